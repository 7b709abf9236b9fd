namespace OneOff.Dashboard.Configuration;

/// <summary>Sessions and sign-in (<c>OneOff:Auth:*</c>).</summary>
public sealed class AuthOptions
{
    public const string SectionName = "OneOff:Auth";

    /// <summary>The longest <see cref="RevalidationSeconds"/> allowed: a revoked user's open page leaves within a minute.</summary>
    public const int MaxRevalidationSeconds = 60;

    /// <summary>
    /// <c>OneOff:Auth:RevalidationSeconds</c>: how often an open page re-checks its user against the store (locked,
    /// demoted, signed out elsewhere, session over); 1 to 60, default 30. Commands re-check at every click anyway.
    /// </summary>
    public int RevalidationSeconds { get; set; } = 30;

    /// <summary>
    /// <c>OneOff:Auth:IdleTimeoutMinutes</c>: a session with no request to the server for this long ends (default 60).
    /// An open page counts as activity: its circuit keeps the session until the absolute limit.
    /// </summary>
    public int IdleTimeoutMinutes { get; set; } = 60;

    /// <summary><c>OneOff:Auth:AbsoluteTimeoutHours</c>: a session ends this long after sign-in, whatever the activity (default 12).</summary>
    public int AbsoluteTimeoutHours { get; set; } = 12;

    /// <summary>The revalidation interval.</summary>
    public TimeSpan Revalidation => TimeSpan.FromSeconds(RevalidationSeconds);

    /// <summary>The idle limit.</summary>
    public TimeSpan IdleTimeout => TimeSpan.FromMinutes(IdleTimeoutMinutes);

    /// <summary>The absolute limit.</summary>
    public TimeSpan AbsoluteTimeout => TimeSpan.FromHours(AbsoluteTimeoutHours);

    /// <summary>
    /// <c>OneOff:Auth:RequireTwoFactorForAdmins</c>: Admins must sign in with an authenticator app as well (default
    /// false). An Admin without one is sent to <c>/account/two-factor</c> after signing in and can use nothing else
    /// until it is set up.
    /// </summary>
    public bool RequireTwoFactorForAdmins { get; set; }
}
