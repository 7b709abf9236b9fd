using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Components;

namespace OneOff.Dashboard.Configuration;

/// <summary>
/// The headers every response carries: no sniffing, no framing, same-origin referrers and a Content-Security-Policy
/// that allows this site's own scripts, styles and WebSocket only. Two allowances, each for a reason:
/// <list type="bullet">
/// <item>the inline import map Blazor renders (<c>&lt;ImportMap /&gt;</c>, fingerprinted module URLs) is allowed by
/// its SHA-256, computed from the same <see cref="ImportMapDefinition"/> the page renders;</item>
/// <item><c>'unsafe-eval'</c>: plotly.js's WebGL scatter (regl) compiles its shaders' accessors with
/// <c>new Function</c> (measured: without it the decision surfaces and training data stay blank).</item>
/// </list>
/// Styles allow <c>'unsafe-inline'</c>: plotly.js sets inline styles and injects its stylesheet; styles run no code.
/// </summary>
internal static class SecurityHeaders
{
    private static readonly ConditionalWeakTable<ImportMapDefinition, string> s_policies = [];

    private const string Fixed = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; "
        + "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
            headers.ContentSecurityPolicy = PolicyFor(context.GetEndpoint()?.Metadata.GetMetadata<ImportMapDefinition>());
            return next(context);
        });

    /// <summary>The policy for a page whose import map is <paramref name="importMap"/> (none: no inline script at all).</summary>
    internal static string PolicyFor(ImportMapDefinition? importMap) =>
        importMap is null
            ? $"script-src 'self' 'unsafe-eval'; {Fixed}"
            : s_policies.GetValue(importMap, map => $"script-src 'self' '{HashOf(map.ToString())}' 'unsafe-eval'; {Fixed}");

    /// <summary>A CSP hash source of an inline script's text.</summary>
    internal static string HashOf(string inlineScript) => "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(inlineScript)));
}
