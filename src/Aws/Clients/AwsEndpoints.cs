using System.Text.RegularExpressions;

namespace OneOff.Aws.Clients;

/// <summary>
/// Region and endpoint resolution as the AWS SDKs do it: a configured region, else <c>AWS_REGION</c>; an endpoint
/// from <c>AWS_ENDPOINT_URL_{SERVICE}</c>, else <c>AWS_ENDPOINT_URL</c>, else the service's regional endpoint
/// (both ignored when <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true</c>).
/// </summary>
internal static partial class AwsEndpoints
{
    /// <summary>The region to use.</summary>
    /// <param name="configured">The configured region (<c>OneOff:Aws:Region</c>), or null.</param>
    /// <param name="environment">Reads an environment variable; defaults to the process environment.</param>
    /// <exception cref="InvalidOperationException">No region is set, or the one set is not a region name.</exception>
    public static string ResolveRegion(string? configured, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var (region, source) = FirstSet(
            (configured, "OneOff:Aws:Region"),
            (environment("AWS_REGION"), "AWS_REGION"),
            (environment("AWS_DEFAULT_REGION"), "AWS_DEFAULT_REGION"))
            ?? throw new InvalidOperationException("No AWS region is set: set OneOff:Aws:Region (environment OneOff__Aws__Region) or AWS_REGION, e.g. us-east-1.");

        if (!RegionPattern().IsMatch(region))
        {
            throw new InvalidOperationException($"{source} is '{region}', which is not an AWS region name: use one such as us-east-1 or eu-west-2.");
        }

        return region;
    }

    /// <summary>
    /// The endpoint override for a service, or null when none is set.
    /// </summary>
    /// <param name="environmentId">The service's id in <c>AWS_ENDPOINT_URL_{ID}</c>: <c>ATHENA</c>, <c>EMR</c>, <c>S3</c>.</param>
    /// <param name="environment">Reads an environment variable; defaults to the process environment.</param>
    /// <exception cref="InvalidOperationException">The variable is set to something other than an http(s) URL.</exception>
    public static Uri? ResolveOverride(string environmentId, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (string.Equals(environment("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        foreach (var name in new[] { "AWS_ENDPOINT_URL_" + environmentId, "AWS_ENDPOINT_URL" })
        {
            var value = environment(name);
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new InvalidOperationException($"{name} is '{value}', which is not an http(s) URL: set it like http://127.0.0.1:5000 or unset it.");
            }

            return uri;
        }

        return null;
    }

    /// <summary>The service endpoint for a JSON 1.1 service: the override if any, else its regional endpoint.</summary>
    internal static Uri Resolve(AwsServiceInfo service, string region, Func<string, string?>? environment = null) =>
        ResolveOverride(service.EnvironmentId, environment)
        ?? new Uri($"https://{service.EndpointPrefix}.{region}.{DnsSuffix(region)}/");

    /// <summary>The first candidate with a non-blank value, trimmed, and where it came from; null when none is set.</summary>
    private static (string Value, string Source)? FirstSet(params ReadOnlySpan<(string? Value, string Source)> candidates)
    {
        foreach (var (value, source) in candidates)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                return (value.Trim(), source);
            }
        }

        return null;
    }

    private static string DnsSuffix(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionPattern();
}
