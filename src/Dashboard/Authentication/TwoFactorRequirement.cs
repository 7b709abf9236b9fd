using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OneOff.Dashboard.Configuration;
using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Authentication;

/// <summary>
/// <c>OneOff:Auth:RequireTwoFactorForAdmins</c>: an Admin without an authenticator can reach only the two-factor
/// set-up (and the password change before it, logout, the sign-in pages and static files) until it is set up.
/// </summary>
public sealed class TwoFactorRequirement(IOptions<AuthOptions> options, UserManager<DashboardUser> users)
{
    public const string SetUpPage = "/account/two-factor";

    /// <summary>What a user in the set-up may still reach besides anonymous endpoints.</summary>
    internal static readonly string[] Allowed = [SetUpPage, "/account/password", PasswordStrengthEndpoint.Path, "/logout"];

    public bool Required => options.Value.RequireTwoFactorForAdmins;

    public static string SetUpPath(string returnUrl) => $"{SetUpPage}?ReturnUrl={Uri.EscapeDataString(returnUrl)}";

    /// <summary>True when two-factor sign-in is required of <paramref name="user"/> and not set up.</summary>
    public async Task<bool> IsMissingAsync(DashboardUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Required
            && !await users.GetTwoFactorEnabledAsync(user).ConfigureAwait(false)
            && await users.IsInRoleAsync(user, DashboardRoles.Admin).ConfigureAwait(false);
    }

    /// <summary>True when two-factor sign-in is required of the signed-in <paramref name="principal"/> and not set up.</summary>
    public async Task<bool> IsMissingAsync(ClaimsPrincipal principal) =>
        Required && await users.GetUserAsync(principal).ConfigureAwait(false) is { } user && await IsMissingAsync(user).ConfigureAwait(false);
}

/// <summary>The middleware of <see cref="TwoFactorRequirement"/>.</summary>
public static class TwoFactorRequirementExtensions
{
    /// <summary>
    /// Sends a signed-in Admin without two-factor sign-in to the set-up page (a page request) or refuses with 403
    /// (anything else: a form post, the Blazor hub), when it is required. After authorization: signed-out callers
    /// are sent to the login page first.
    /// </summary>
    public static IApplicationBuilder UseTwoFactorRequirement(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(async (context, next) =>
        {
            if (context.User.Identity?.IsAuthenticated != true
                || !context.User.IsInRole(DashboardRoles.Admin)
                || context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null
                || TwoFactorRequirement.Allowed.Any(p => context.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase)))
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            if (!await context.RequestServices.GetRequiredService<TwoFactorRequirement>().IsMissingAsync(context.User).ConfigureAwait(false))
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            PasswordChangeGate.SendTo(context, TwoFactorRequirement.SetUpPage);
        });
    }
}
