namespace OneOff.Dashboard.Configuration;

/// <summary>Sign-in and sessions (<c>OneOff:Auth:*</c>).</summary>
public sealed class AuthOptions
{
    public const string SectionName = "OneOff:Auth";

    /// <summary>
    /// <c>OneOff:Auth:RequireTwoFactorForAdmins</c>: Admins must sign in with an authenticator app as well (default
    /// false). An Admin without one is sent to <c>/account/two-factor</c> after signing in and can use nothing else
    /// until it is set up.
    /// </summary>
    public bool RequireTwoFactorForAdmins { get; set; }
}
