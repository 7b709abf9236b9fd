using System.Net;
using Microsoft.Extensions.Options;

namespace OneOff.Dashboard.Configuration;

/// <summary>Checks <see cref="AuthOptions"/>; every message names the key.</summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.RevalidationSeconds is < 1 or > AuthOptions.MaxRevalidationSeconds)
        {
            failures.Add($"OneOff:Auth:RevalidationSeconds must be from 1 to {AuthOptions.MaxRevalidationSeconds} (got {options.RevalidationSeconds}).");
        }

        if (options.IdleTimeoutMinutes is < 1 or > 24 * 60)
        {
            failures.Add($"OneOff:Auth:IdleTimeoutMinutes must be from 1 to 1440 (got {options.IdleTimeoutMinutes}).");
        }

        if (options.AbsoluteTimeoutHours is < 1 or > 24 * 30)
        {
            failures.Add($"OneOff:Auth:AbsoluteTimeoutHours must be from 1 to 720 (got {options.AbsoluteTimeoutHours}).");
        }
        else if (options.AbsoluteTimeout < options.IdleTimeout)
        {
            failures.Add($"OneOff:Auth:AbsoluteTimeoutHours ({options.AbsoluteTimeoutHours} h) must not be shorter than OneOff:Auth:IdleTimeoutMinutes ({options.IdleTimeoutMinutes} min).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Checks <see cref="ProxyOptions"/>: addresses and CIDR networks that parse.</summary>
public sealed class ProxyOptionsValidator : IValidateOptions<ProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        for (var i = 0; i < options.KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(options.KnownProxies[i], out _))
            {
                failures.Add($"OneOff:Proxy:KnownProxies:{i} must be an IP address such as 10.0.0.5 (got '{options.KnownProxies[i]}').");
            }
        }

        for (var i = 0; i < options.KnownNetworks.Count; i++)
        {
            if (!System.Net.IPNetwork.TryParse(options.KnownNetworks[i], out _))
            {
                failures.Add($"OneOff:Proxy:KnownNetworks:{i} must be a network in CIDR form such as 10.0.0.0/16 (got '{options.KnownNetworks[i]}').");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
