namespace OneOff.Dashboard.Configuration;

/// <summary>
/// The reverse proxy in front of the dashboard (<c>OneOff:Proxy:*</c>): only these may say, with
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>, who the client is and that the request came over HTTPS.
/// Loopback is always trusted (a proxy on the same host).
/// </summary>
public sealed class ProxyOptions
{
    public const string SectionName = "OneOff:Proxy";

    /// <summary><c>OneOff:Proxy:KnownProxies</c>: proxy IP addresses, e.g. <c>10.0.0.5</c>.</summary>
    public IList<string> KnownProxies { get; } = [];

    /// <summary><c>OneOff:Proxy:KnownNetworks</c>: proxy networks in CIDR form, e.g. <c>10.0.0.0/16</c>.</summary>
    public IList<string> KnownNetworks { get; } = [];
}
