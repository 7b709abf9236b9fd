using Microsoft.AspNetCore.Authentication.Cookies;

namespace OneOff.Dashboard.Authentication;

/// <summary>
/// The sign-in cookie is <c>__Host-oneoff.auth</c> on HTTPS (the browser then insists on Secure, Path=/ and no
/// Domain, so no sibling host can set or shadow it) and <c>oneoff.auth</c> on plain HTTP, where browsers refuse
/// the prefix (local mode on loopback). The scheme is the request's after forwarded headers: a TLS-terminating
/// proxy listed in <c>OneOff:Proxy</c> makes it HTTPS.
/// </summary>
internal sealed class HostPrefixCookieManager : ICookieManager
{
    public const string Prefix = "__Host-";

    private readonly ChunkingCookieManager _inner = new();

    public string? GetRequestCookie(HttpContext context, string key) => _inner.GetRequestCookie(context, NameFor(context, key));

    public void AppendResponseCookie(HttpContext context, string key, string? value, CookieOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (context.Request.IsHttps)
        {
            options.Secure = true;
            options.Path = "/";
            options.Domain = null;
        }

        _inner.AppendResponseCookie(context, NameFor(context, key), value, options);
    }

    public void DeleteCookie(HttpContext context, string key, CookieOptions options) => _inner.DeleteCookie(context, NameFor(context, key), options);

    private static string NameFor(HttpContext context, string key) => context.Request.IsHttps ? Prefix + key : key;
}
