using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Authentication;

/// <summary>
/// Identity's principal (name, roles, security stamp) plus when the session signed in (kept across the security
/// stamp validator's refreshes, so that the absolute limit counts from the real sign-in) and whether the user still
/// has a generated or reset password to change.
/// </summary>
internal sealed class DashboardClaimsPrincipalFactory(
    UserManager<DashboardUser> users,
    RoleManager<IdentityRole> roles,
    IOptions<IdentityOptions> options,
    UserStandings standings) : UserClaimsPrincipalFactory<DashboardUser, IdentityRole>(users, roles, options)
{
    /// <summary>Present (value "true") while the user must change their password before anything else.</summary>
    public const string MustChangePasswordClaim = "oneoff:must_change_password";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(DashboardUser user)
    {
        var identity = await base.GenerateClaimsAsync(user).ConfigureAwait(false);
        identity.AddClaim(standings.SignedInNow());
        if (user.MustChangePassword)
        {
            identity.AddClaim(new Claim(MustChangePasswordClaim, "true"));
        }

        return identity;
    }

    /// <summary>Carries the sign-in time of <paramref name="current"/> over to <paramref name="refreshed"/>.</summary>
    public static void KeepSignInTime(ClaimsPrincipal? current, ClaimsPrincipal? refreshed)
    {
        if (current?.FindFirst(UserStandings.SignedInAtClaim) is not { } signedIn || refreshed?.Identity is not ClaimsIdentity identity)
        {
            return;
        }

        foreach (var claim in identity.FindAll(UserStandings.SignedInAtClaim).ToList())
        {
            identity.RemoveClaim(claim);
        }

        identity.AddClaim(new Claim(signedIn.Type, signedIn.Value, signedIn.ValueType));
    }
}
