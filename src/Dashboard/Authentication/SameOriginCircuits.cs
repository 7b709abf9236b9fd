namespace OneOff.Dashboard.Authentication;

/// <summary>
/// The Blazor hub (<c>/_blazor</c>) accepts only the site's own pages: a request whose <c>Origin</c> names another
/// site (a page elsewhere that opens a circuit with the victim's cookie) is refused with 403. Browsers always send
/// <c>Origin</c> on the hub's negotiate POST and WebSocket handshake; the scheme is not compared, so that a
/// TLS-terminating proxy in front (https outside, http here) does not break the dashboard.
/// </summary>
internal static class SameOriginCircuits
{
    public static IApplicationBuilder UseSameOriginCircuits(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/_blazor", StringComparison.OrdinalIgnoreCase)
                && context.Request.Headers.Origin is [{ } origin, ..]
                && !IsSameSite(origin, context.Request.Host))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }

            await next(context).ConfigureAwait(false);
        });

    internal static bool IsSameSite(string origin, HostString host)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || !host.HasValue)
        {
            return false;
        }

        // A Host without a port is the default port of whichever scheme the browser used (http here, or https at a
        // TLS-terminating proxy): the origin must then be on its scheme's default port too.
        var samePort = host.Port is { } port ? uri.Port == port : uri.IsDefaultPort;
        return samePort && string.Equals(uri.Host, host.Host, StringComparison.OrdinalIgnoreCase);
    }
}
