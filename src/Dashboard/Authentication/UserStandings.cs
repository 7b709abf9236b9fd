using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OneOff.Dashboard.Configuration;
using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Authentication;

/// <summary>A signed-in user as the store has them at this moment: their name and role level.</summary>
public sealed record UserStanding(string UserName, string? Level)
{
    /// <summary>Operators and Admins start, cancel and delete runs.</summary>
    public bool CanOperate => Level is DashboardRoles.Operator or DashboardRoles.Admin;

    /// <summary>Admins manage users.</summary>
    public bool IsAdmin => Level is DashboardRoles.Admin;
}

/// <summary>
/// The one check of a session's current standing, made by every command at the moment it runs and by every open
/// page at each revalidation: the principal a page captured at sign-in is only a claim. It holds when the user
/// still exists, is not locked, has no password to change, the session is within its absolute lifetime, and the
/// principal carries the user's current security stamp — a lock, a new role level, a password reset and a
/// sign-out all renew the stamp, so each ends every session the user had. The level comes from the store, not
/// from the principal's role claims.
/// </summary>
public sealed class UserStandings(IServiceScopeFactory scopes, IOptions<IdentityOptions> identity, IOptions<AuthOptions> auth, TimeProvider time)
{
    /// <summary>The claim holding when the session signed in (Unix seconds): the absolute limit counts from it.</summary>
    public const string SignedInAtClaim = "oneoff:signed_in_at";

    /// <summary>The user behind <paramref name="principal"/> if the session is still good; otherwise null.</summary>
    public async Task<UserStanding?> FindAsync(ClaimsPrincipal principal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.Identity?.IsAuthenticated != true || HasExpired(principal))
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        var user = await users.GetUserAsync(principal).ConfigureAwait(false);
        if (user is null || user.MustChangePassword || await users.IsLockedOutAsync(user).ConfigureAwait(false))
        {
            return null;
        }

        var stamp = principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        if (stamp is null || !string.Equals(stamp, await users.GetSecurityStampAsync(user).ConfigureAwait(false), StringComparison.Ordinal))
        {
            return null;
        }

        var roles = await users.GetRolesAsync(user).ConfigureAwait(false);
        return new UserStanding(user.UserName ?? "", DashboardRoles.LevelOf(roles));
    }

    /// <summary>True when the session began longer ago than <c>OneOff:Auth:AbsoluteTimeoutHours</c>, or its start is unknown.</summary>
    public bool HasExpired(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (!long.TryParse(principal.FindFirstValue(SignedInAtClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return true;
        }

        var signedIn = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return time.GetUtcNow() - signedIn >= auth.Value.AbsoluteTimeout;
    }

    /// <summary>The claim recording that a session signs in now.</summary>
    public Claim SignedInNow() =>
        new(SignedInAtClaim, time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64);
}
