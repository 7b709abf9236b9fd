using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OneOff.Dashboard.Authentication;

/// <summary>
/// How many sign-in attempts a minute are allowed per client address and per user name, so that the account
/// lockout is not the only brake on guessing. Not configuration: the tests raise them; operators have no need to.
/// </summary>
public sealed class SignInLimitOptions
{
    /// <summary>Posts to <c>/login</c> and <c>/login/two-factor</c> per client address a minute (default 10).</summary>
    public int PerClientPerMinute { get; set; } = 10;

    /// <summary>Password sign-ins per user name a minute, whether the user exists or not (default 5).</summary>
    public int PerUserNamePerMinute { get; set; } = 5;
}

/// <summary>
/// The sign-in brakes, built on ASP.NET Core's rate limiter: the middleware refuses a client's sixth… eleventh
/// post to a sign-in form within a minute with a 429 page; <see cref="SignInThrottle"/> limits attempts per user
/// name (the name is in the form body, which the middleware's partitioner cannot read).
/// </summary>
public static class SignInRateLimits
{
    public const string Refusal = "Too many sign-in attempts; wait a minute.";

    public static IServiceCollection AddSignInRateLimits(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SignInLimitOptions>();
        services.TryAddSingleton<SignInThrottle>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<SignInLimitOptions>>((options, limits) =>
        {
            var perClient = limits.Value.PerClientPerMinute;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => IsSignInPost(context.Request)
                ? RateLimitPartition.GetFixedWindowLimiter(
                    // Behind a proxy this is the forwarded client address once the forwarded-headers middleware ran.
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = perClient, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter(""));
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (rejected, cancellationToken) =>
            {
                var response = rejected.HttpContext.Response;
                response.Headers.RetryAfter = "60";
                response.ContentType = "text/html; charset=utf-8";
                return new ValueTask(response.WriteAsync(TooManyPage, cancellationToken));
            };
        });
        return services;
    }

    /// <summary>The per-client limit; before authentication, so that a refused post costs no database work.</summary>
    public static IApplicationBuilder UseSignInRateLimits(this IApplicationBuilder app) => app.UseRateLimiter();

    private static bool IsSignInPost(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && (request.Path.Equals("/login", StringComparison.OrdinalIgnoreCase) || request.Path.Equals("/login/two-factor", StringComparison.OrdinalIgnoreCase));

    private const string TooManyPage = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1.0" /><title>Too many sign-in attempts · OneOff</title><link rel="stylesheet" href="/app.css" /></head>
        <body><div class="account-shell"><div class="account-card"><h1>Too many sign-in attempts</h1>
        <p class="alert alert-error" role="alert">Too many sign-in attempts; wait a minute.</p>
        <p><a href="/login">Back to sign-in</a></p></div></div></body>
        </html>
        """;
}

/// <summary>Attempts per user name (any name, known or not: a limit only for real names would tell which exist).</summary>
public sealed class SignInThrottle : IDisposable
{
    private const int MaxNameLength = 256;
    private readonly PartitionedRateLimiter<string> _names;

    public SignInThrottle(IOptions<SignInLimitOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var perName = options.Value.PerUserNamePerMinute;
        _names = PartitionedRateLimiter.Create<string, string>(name => RateLimitPartition.GetFixedWindowLimiter(
            name, _ => new FixedWindowRateLimiterOptions { PermitLimit = perName, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }

    /// <summary>True when another attempt for <paramref name="userName"/> is allowed now (and counts it).</summary>
    public bool TryAttempt(string userName)
    {
        ArgumentNullException.ThrowIfNull(userName);
        var key = userName.Trim().ToUpperInvariant();
        using var lease = _names.AttemptAcquire(key.Length > MaxNameLength ? key[..MaxNameLength] : key);
        return lease.IsAcquired;
    }

    public void Dispose() => _names.Dispose();
}
