using Microsoft.AspNetCore.Identity;

namespace OneOff.Dashboard.Data;

/// <summary>A user of the dashboard.</summary>
public sealed class DashboardUser : IdentityUser
{
    /// <summary>True when the user must choose a new password at the next sign-in (a generated or reset one).</summary>
    public bool MustChangePassword { get; set; }
}
