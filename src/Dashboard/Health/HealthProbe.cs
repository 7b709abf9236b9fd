using System.Globalization;

namespace OneOff.Dashboard.Health;

/// <summary>
/// <c>OneOff.Dashboard health [--url URL]</c>: asks a running dashboard's <c>/healthz</c> and exits 0 when it is
/// Healthy, 1 otherwise, with one line on the console. The container's HEALTHCHECK (the aspnet image has no curl).
/// Without <c>--url</c> the address is the one the app listens on: <c>ASPNETCORE_URLS</c>, else
/// <c>ASPNETCORE_HTTP_PORTS</c>/<c>HTTP_PORTS</c>, else Kestrel's default, with wildcard hosts asked on 127.0.0.1.
/// </summary>
internal static class HealthProbe
{
    public const string Verb = "health";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, Func<string, string?> environment, TextWriter output)
    {
        Uri target;
        try
        {
            target = new Uri(BaseAddress(args, environment), "healthz");
        }
        catch (UriFormatException e)
        {
            await output.WriteLineAsync($"health: the address to ask is not a URL ({e.Message}); pass --url http://host:port.").ConfigureAwait(false);
            return 2;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var response = await http.GetAsync(target).ConfigureAwait(false);
            var healthy = response.IsSuccessStatusCode;
            await output.WriteLineAsync(healthy
                ? $"Healthy ({target})"
                : string.Create(CultureInfo.InvariantCulture, $"Unhealthy: {target} answered {(int)response.StatusCode}")).ConfigureAwait(false);
            return healthy ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await output.WriteLineAsync($"Unhealthy: the dashboard at {target} does not answer ({e.Message})").ConfigureAwait(false);
            return 1;
        }
    }

    internal static Uri BaseAddress(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        for (var i = 0; i + 1 < args.Count; i++)
        {
            if (args[i] == "--url")
            {
                return new Uri(args[i + 1].TrimEnd('/') + "/");
            }
        }

        var urls = environment("ASPNETCORE_URLS");
        if (!string.IsNullOrWhiteSpace(urls))
        {
            var first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .OrderBy(u => u.StartsWith("https", StringComparison.OrdinalIgnoreCase))
                .First();
            foreach (var wildcard in (string[])["://+", "://*", "://0.0.0.0", "://[::]"])
            {
                first = first.Replace(wildcard, "://127.0.0.1", StringComparison.Ordinal);
            }

            return new Uri(first.TrimEnd('/') + "/");
        }

        var ports = environment("ASPNETCORE_HTTP_PORTS") ?? environment("HTTP_PORTS");
        var port = ports?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return new Uri($"http://127.0.0.1:{(string.IsNullOrEmpty(port) ? "5000" : port)}/");
    }
}
