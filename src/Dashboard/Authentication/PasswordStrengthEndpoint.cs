using Microsoft.AspNetCore.Mvc;

namespace OneOff.Dashboard.Authentication;

/// <summary>What the strength meter shows: the score (0–4) in a bar and a word, and the verdict in a sentence.</summary>
public sealed record PasswordStrengthResponse(int Score, string Label, bool Acceptable, string Message, IReadOnlyList<string> Suggestions);

/// <summary>
/// <c>POST /account/password-strength</c> (signed in, antiforgery token): the strength meter's question, answered by
/// the same <see cref="PasswordRules"/> that decide. The password is never logged or stored.
/// </summary>
public static class PasswordStrengthEndpoint
{
    public const string Path = "/account/password-strength";

    public static IEndpointRouteBuilder MapPasswordStrength(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost(Path, ([FromForm] string? password, [FromForm] string? userName, HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            var name = string.IsNullOrWhiteSpace(userName) ? context.User.Identity?.Name : userName;
            var strength = PasswordRules.Estimate(password ?? "", name);
            var message = strength.Problem is { } problem ? $"This password {problem}." : "Good: this password is accepted.";
            return TypedResults.Ok(new PasswordStrengthResponse(strength.Score, strength.Label, strength.Acceptable, message, strength.Suggestions));
        }).WithMetadata(new SkipStatusCodePagesAttribute());
        return endpoints;
    }
}
