using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OneOff.Dashboard.Audit;
using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Authentication;

/// <summary>A user as <c>/admin/users</c> lists it.</summary>
public sealed record UserRow(string UserName, string? Level, bool LockedOut, bool MustChangePassword);

/// <summary>
/// What Admins do to users: add, set the role level, reset a password, lock and unlock. Every method checks that
/// the caller is an Admin now, in the store (<see cref="UserStandings"/>: the server refuses, whatever the page
/// shows or the page's principal says) and uses a fresh scope per operation.
/// Messages are for the page; null means done. Every change done is recorded in the <see cref="AuditLog"/>.
/// </summary>
public sealed class UserAdministration(IServiceScopeFactory scopes, UserStandings standings, AuditLog audit, TimeProvider time)
{
    private const string NotAdmin = "Only Admins can manage users.";

    public async Task<IReadOnlyList<UserRow>> ListAsync(ClaimsPrincipal caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!await IsAdminAsync(caller, cancellationToken).ConfigureAwait(false))
        {
            return [];
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        var all = await users.Users.OrderBy(u => u.UserName).ToListAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<UserRow>(all.Count);
        var now = time.GetUtcNow();
        foreach (var user in all)
        {
            var roles = await users.GetRolesAsync(user).ConfigureAwait(false);
            rows.Add(new UserRow(user.UserName ?? "", DashboardRoles.LevelOf(roles), user.LockoutEnd > now, user.MustChangePassword));
        }

        return rows;
    }

    public async Task<string?> AddAsync(ClaimsPrincipal caller, string userName, string password, string level, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!await IsAdminAsync(caller, cancellationToken).ConfigureAwait(false))
        {
            return NotAdmin;
        }

        userName = userName?.Trim() ?? "";
        if (!UserNames.IsValid(userName))
        {
            return $"User name must be {UserNames.Rule}.";
        }

        if (!DashboardRoles.Levels.Contains(level))
        {
            return $"Role must be one of {string.Join(", ", DashboardRoles.Levels)}.";
        }

        if (password is null)
        {
            return "Enter a password.";
        }

        if (PasswordRules.Check(password, userName) is { } problem)
        {
            return $"Password {problem}.";
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        if (await users.FindByNameAsync(userName).ConfigureAwait(false) is not null)
        {
            return $"There is already a user '{userName}'.";
        }

        var user = new DashboardUser { UserName = userName, MustChangePassword = true };
        var created = await users.CreateAsync(user, password).ConfigureAwait(false);
        if (!created.Succeeded)
        {
            return Describe(created);
        }

        var roles = await users.AddToRolesAsync(user, DashboardRoles.Implied(level)).ConfigureAwait(false);
        if (!roles.Succeeded)
        {
            return Describe(roles);
        }

        await audit.RecordAsync(AuditAction.UserAdded, caller.Identity?.Name, target: userName, detail: level).ConfigureAwait(false);
        return null;
    }

    public Task<string?> SetLevelAsync(ClaimsPrincipal caller, string userName, string level, CancellationToken cancellationToken = default) =>
        WithUserAsync(caller, userName, forbidSelf: "You cannot change your own role.", async (users, user) =>
        {
            if (!DashboardRoles.Levels.Contains(level))
            {
                return $"Role must be one of {string.Join(", ", DashboardRoles.Levels)}.";
            }

            var current = await users.GetRolesAsync(user).ConfigureAwait(false);
            var removed = await users.RemoveFromRolesAsync(user, current).ConfigureAwait(false);
            if (!removed.Succeeded)
            {
                return Describe(removed);
            }

            var added = await users.AddToRolesAsync(user, DashboardRoles.Implied(level)).ConfigureAwait(false);
            if (!added.Succeeded)
            {
                return Describe(added);
            }

            // A new stamp makes the user's cookie and open pages pick up the new roles within a minute.
            var stamped = await users.UpdateSecurityStampAsync(user).ConfigureAwait(false);
            return await DoneAsync(stamped, AuditAction.RoleChanged, caller, user, $"{DashboardRoles.LevelOf(current) ?? "no role"} → {level}").ConfigureAwait(false);
        });

    public Task<string?> ResetPasswordAsync(ClaimsPrincipal caller, string userName, string newPassword, CancellationToken cancellationToken = default) =>
        WithUserAsync(caller, userName, forbidSelf: "Change your own password on the Password page.", async (users, user) =>
        {
            if (newPassword is null)
            {
                return "Enter the new password.";
            }

            if (PasswordRules.Check(newPassword, user.UserName) is { } problem)
            {
                return $"Password {problem}.";
            }

            var token = await users.GeneratePasswordResetTokenAsync(user).ConfigureAwait(false);
            var reset = await users.ResetPasswordAsync(user, token, newPassword).ConfigureAwait(false);
            if (!reset.Succeeded)
            {
                return Describe(reset);
            }

            user.MustChangePassword = true;
            var updated = await users.UpdateAsync(user).ConfigureAwait(false);
            return await DoneAsync(updated, AuditAction.PasswordReset, caller, user, "must change it at next sign-in").ConfigureAwait(false);
        });

    public Task<string?> LockAsync(ClaimsPrincipal caller, string userName, CancellationToken cancellationToken = default) =>
        WithUserAsync(caller, userName, forbidSelf: "You cannot lock yourself out.", async (users, user) =>
        {
            await users.SetLockoutEnabledAsync(user, true).ConfigureAwait(false);
            var locked = await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue).ConfigureAwait(false);
            if (!locked.Succeeded)
            {
                return Describe(locked);
            }

            // A new security stamp signs the user out of open pages at the next revalidation.
            var stamped = await users.UpdateSecurityStampAsync(user).ConfigureAwait(false);
            return await DoneAsync(stamped, AuditAction.UserLocked, caller, user, null).ConfigureAwait(false);
        });

    public Task<string?> UnlockAsync(ClaimsPrincipal caller, string userName, CancellationToken cancellationToken = default) =>
        WithUserAsync(caller, userName, forbidSelf: null, async (users, user) =>
        {
            var unlocked = await users.SetLockoutEndDateAsync(user, null).ConfigureAwait(false);
            if (!unlocked.Succeeded)
            {
                return Describe(unlocked);
            }

            var reset = await users.ResetAccessFailedCountAsync(user).ConfigureAwait(false);
            return await DoneAsync(reset, AuditAction.UserUnlocked, caller, user, null).ConfigureAwait(false);
        });

    private async Task<bool> IsAdminAsync(ClaimsPrincipal caller, CancellationToken cancellationToken) =>
        await standings.FindAsync(caller, cancellationToken).ConfigureAwait(false) is { IsAdmin: true };

    private async Task<string?> WithUserAsync(ClaimsPrincipal caller, string userName, string? forbidSelf, Func<UserManager<DashboardUser>, DashboardUser, Task<string?>> action)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var standing = await standings.FindAsync(caller).ConfigureAwait(false);
        if (standing is not { IsAdmin: true })
        {
            return NotAdmin;
        }

        if (forbidSelf is not null && string.Equals(standing.UserName, userName, StringComparison.OrdinalIgnoreCase))
        {
            return forbidSelf;
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        var user = await users.FindByNameAsync(userName).ConfigureAwait(false);
        return user is null ? $"There is no user '{userName}'." : await action(users, user).ConfigureAwait(false);
    }

    /// <summary>Null when the last step succeeded, after recording the change; else what went wrong.</summary>
    private async Task<string?> DoneAsync(IdentityResult last, AuditAction action, ClaimsPrincipal caller, DashboardUser user, string? detail)
    {
        if (!last.Succeeded)
        {
            return Describe(last);
        }

        await audit.RecordAsync(action, caller.Identity?.Name, target: user.UserName, detail: detail).ConfigureAwait(false);
        return null;
    }

        private static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));
}
