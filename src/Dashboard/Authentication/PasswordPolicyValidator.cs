using Microsoft.AspNetCore.Identity;
using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Authentication;

/// <summary>
/// <see cref="PasswordRules"/> as Identity's password validator, in place of Identity's own: every path that sets a
/// password through the user manager (a new user, an Admin's reset, a change, the first admin) meets the one rule.
/// </summary>
public sealed class PasswordPolicyValidator : IPasswordValidator<DashboardUser>
{
    public const string ErrorCode = "PasswordPolicy";

    public async Task<IdentityResult> ValidateAsync(UserManager<DashboardUser> manager, DashboardUser user, string? password)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(user);
        var userName = user.UserName ?? await manager.GetUserNameAsync(user).ConfigureAwait(false);
        return PasswordRules.Check(password ?? "", userName) is { } problem
            ? IdentityResult.Failed(new IdentityError { Code = ErrorCode, Description = $"Password {problem}." })
            : IdentityResult.Success;
    }
}
