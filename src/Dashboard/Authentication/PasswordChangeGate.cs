using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;

namespace OneOff.Dashboard.Authentication;

/// <summary>
/// A user whose password was generated or reset can do one thing: change it. Every other page and endpoint sends
/// them to <c>/account/password</c> (a page) or refuses with 403 (the Blazor hub and other requests); logout, the
/// open endpoints (sign-in, health, static assets), the change page's strength meter and the error pages stay
/// reachable.
/// </summary>
internal static class PasswordChangeGate
{
    public const string ChangePasswordPath = "/account/password";

    public static IApplicationBuilder UsePasswordChangeGate(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.User.HasClaim(DashboardClaimsPrincipalFactory.MustChangePasswordClaim, "true") && !IsAllowed(context))
            {
                SendTo(context, ChangePasswordPath);
                return;
            }

            await next(context).ConfigureAwait(false);
        });

    /// <summary>
    /// What a signed-in user with something to do first gets instead of the request: a page request is sent to
    /// <paramref name="page"/> (coming back afterwards), anything else (the Blazor hub, a form post) is refused with
    /// a bare 403 — re-executing a page for it would answer a POST with 400 instead.
    /// </summary>
    internal static void SendTo(HttpContext context, string page)
    {
        if ((HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
            && !context.Request.Path.StartsWithSegments("/_blazor", StringComparison.OrdinalIgnoreCase))
        {
            var back = ReturnUrls.Sanitize(context.Request.Path + context.Request.QueryString);
            context.Response.Redirect($"{page}?ReturnUrl={Uri.EscapeDataString(back)}");
            return;
        }

        if (context.Features.Get<IStatusCodePagesFeature>() is { } pages)
        {
            pages.Enabled = false;
        }

        context.Response.StatusCode = StatusCodes.Status403Forbidden;
    }

    private static bool IsAllowed(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/_blazor", StringComparison.OrdinalIgnoreCase))
        {
            // The hub's endpoints carry no authorization of their own; the change page needs no circuit.
            return false;
        }

        return path.StartsWithSegments(ChangePasswordPath, StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments(PasswordStrengthEndpoint.Path, StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/logout", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/error", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/not-found", StringComparison.OrdinalIgnoreCase)
            || context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null;
    }
}
