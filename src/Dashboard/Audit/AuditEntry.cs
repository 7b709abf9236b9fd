namespace OneOff.Dashboard.Audit;

/// <summary>What an audit entry records: a closed set, stored by name.</summary>
public enum AuditAction
{
    /// <summary>A user signed in.</summary>
    SignedIn,

    /// <summary>A sign-in failed (wrong user name or password); the attempted name is kept, the actor is null.</summary>
    SignInFailed,

    /// <summary>A sign-in was refused because the account is locked after too many failures.</summary>
    LockedOut,

    /// <summary>An Admin locked a user.</summary>
    UserLocked,

    /// <summary>An Admin unlocked a user.</summary>
    UserUnlocked,

    /// <summary>An Admin added a user.</summary>
    UserAdded,

    /// <summary>An Admin changed a user's role.</summary>
    RoleChanged,

    /// <summary>An Admin, or the operator with the <c>reset-password</c> verb, set a new password for a user.</summary>
    PasswordReset,

    /// <summary>A user changed their own password.</summary>
    PasswordChanged,

    /// <summary>An Operator started (queued) a run.</summary>
    RunStarted,

    /// <summary>An Operator cancelled a run.</summary>
    RunCancelled,

    /// <summary>An Operator deleted a run.</summary>
    RunDeleted,

    /// <summary>A user signed out.</summary>
    SignedOut,

    /// <summary>A user turned on two-factor sign-in.</summary>
    TwoFactorEnabled,

    /// <summary>A user turned off two-factor sign-in.</summary>
    TwoFactorDisabled,
}

/// <summary>
/// One line of the audit log (table <c>AuditLog</c>): who did what to which run or user, when and from where.
/// Never a password, hash, token or key: only names, ids and a short detail such as "Operator → Viewer".
/// </summary>
public sealed class AuditEntry
{
    public const int NameLength = 256;
    public const int AddressLength = 64;
    public const int DetailLength = 256;

    public long Id { get; private set; }

    /// <summary>When it happened (UTC, from the app's <see cref="TimeProvider"/>).</summary>
    public DateTime Utc { get; private set; }

    /// <summary>The signed-in user who acted; null for an anonymous attempt; "(command line)" for the operator's verbs.</summary>
    public string? Actor { get; private set; }

    /// <summary>For sign-ins: the user name as typed.</summary>
    public string? AttemptedUserName { get; private set; }

    /// <summary>The client's address, when the action came through an HTTP request.</summary>
    public string? ClientIp { get; private set; }

    public AuditAction Action { get; private set; }

    /// <summary>The run id or the user name acted on.</summary>
    public string? Target { get; private set; }

    /// <summary>A short detail, e.g. "Operator → Viewer".</summary>
    public string? Detail { get; private set; }

    /// <summary>A new entry; every text is cut to its column's length.</summary>
    public static AuditEntry Create(DateTime utc, AuditAction action, string? actor, string? target, string? detail, string? clientIp, string? attemptedUserName) =>
        new()
        {
            Utc = DateTime.SpecifyKind(utc, DateTimeKind.Utc),
            Action = action,
            Actor = Cut(actor, NameLength),
            Target = Cut(target, NameLength),
            Detail = Cut(detail, DetailLength),
            ClientIp = Cut(clientIp, AddressLength),
            AttemptedUserName = Cut(attemptedUserName, NameLength),
        };

    private static string? Cut(string? text, int length) =>
        string.IsNullOrEmpty(text) ? null : text.Length <= length ? text : text[..length];
}
