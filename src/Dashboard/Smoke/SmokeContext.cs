using System.Globalization;
using Microsoft.Extensions.Options;
using OneOff.Aws.Compute;
using OneOff.Aws.Storage;
using OneOff.Core.Compute;
using OneOff.Core.Configuration;
using OneOff.Core.Storage;

namespace OneOff.Dashboard.Smoke;

/// <summary>
/// What every check of one smoke run shares: the app's own services (the S3 store and the EMR runner exactly as Aws
/// mode composes them), the smoke run's id, whether the AWS endpoints are overridden (the stand-ins), and the
/// progress writer (stderr).
/// </summary>
internal sealed class SmokeContext
{
    /// <summary>The AWS SDKs' endpoint variables our clients read (src/Aws/Clients/AwsEndpoints.cs), per service and for all.</summary>
    private static readonly string[] s_endpointVariables = ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_EMR", "AWS_ENDPOINT_URL_ATHENA", "AWS_ENDPOINT_URL"];

    private readonly TextWriter _progress;
    private readonly long _startedAt;

    /// <param name="services">The composed app's services.</param>
    /// <param name="environment">Reads an environment variable (the endpoint overrides).</param>
    /// <param name="progress">Where progress lines go (stderr).</param>
    /// <param name="smokeId">The smoke run's id.</param>
    /// <param name="sameRunAs">Another composition's context of the same smoke run: its progress counts from the same start.</param>
    public SmokeContext(IServiceProvider services, Func<string, string?> environment, TextWriter progress, string smokeId, SmokeContext? sameRunAs = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(environment);
        Services = services;
        _progress = progress;
        SmokeId = smokeId;
        Store = services.GetRequiredService<S3ObjectStore>();
        Runner = services.GetRequiredService<IJobRunner>();
        Emr = services.GetRequiredService<IOptions<EmrOptions>>().Value;
        RunnerOptions = services.GetRequiredService<IOptions<EmrJobRunnerOptions>>().Value;
        DeploymentId = services.GetRequiredService<IOptions<DeploymentOptions>>().Value.DeploymentId;
        Time = services.GetRequiredService<TimeProvider>();
        OverriddenEndpoints = FindOverrides(environment);
        _startedAt = sameRunAs?._startedAt ?? Time.GetTimestamp();
    }

    public IServiceProvider Services { get; }

    /// <summary><c>smoke-{yyyyMMdd-HHmmss}-{4 random}</c>: names the smoke run's objects and runs.</summary>
    public string SmokeId { get; }

    /// <summary>The app's <see cref="IObjectStore"/> (Aws mode registers the S3 store as it).</summary>
    public S3ObjectStore Store { get; }

    /// <summary>The app's <see cref="IJobRunner"/> (the EMR runner in Aws mode).</summary>
    public IJobRunner Runner { get; }

    public EmrOptions Emr { get; }

    public EmrJobRunnerOptions RunnerOptions { get; }

    public string DeploymentId { get; }

    public TimeProvider Time { get; }

    /// <summary>The endpoint variables set (<c>NAME=url</c>); any means the smoke runs against stand-ins, not AWS.</summary>
    public IReadOnlyList<string> OverriddenEndpoints { get; }

    public bool IsStandIn => OverriddenEndpoints.Count > 0;

    /// <summary>The smoke objects' folder in the store: <c>smoke/{SmokeId}/</c>.</summary>
    public string SmokePrefix => $"smoke/{SmokeId}/";

    /// <summary>The log folder's key in the store (<c>logs/</c> by default), or null when the LogUri is outside the deployment's prefix.</summary>
    public string? LogKeyPrefix
    {
        get
        {
            var logUri = Emr.ResolveLogUri(Store.Location);
            var root = Store.Root.TrimEnd('/') + "/";
            return logUri.StartsWith(root, StringComparison.Ordinal) ? logUri[root.Length..] : null;
        }
    }

    /// <summary>Time since the smoke run began.</summary>
    public TimeSpan Elapsed => Time.GetElapsedTime(_startedAt);

    /// <summary>One progress line on stderr: <c>smoke +1m05s: …</c>.</summary>
    public void Progress(string line)
    {
        lock (_progress)
        {
            _progress.WriteLine($"smoke +{SmokeTime.Format(Elapsed)}: {line}");
            _progress.Flush();
        }
    }

    /// <summary>
    /// The verdict of a check that ran: a failure is <see cref="SmokeVerdict.NotConfirmed"/> wherever it ran; a pass
    /// is <see cref="SmokeVerdict.Confirmed"/> on AWS, and on the stand-ins <see cref="SmokeVerdict.NotCheckable"/>
    /// for what only an account can prove (<paramref name="accountOnly"/>: signatures, IAM, real timings, log
    /// paths, the lease on a real node) and <see cref="SmokeVerdict.RanOnStandIn"/> for the rest.
    /// </summary>
    public SmokeItem Judge(string name, bool accountOnly, SmokeObservation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        if (!observation.Passed)
        {
            return SmokeItem.NotConfirmed(name, observation.Detail);
        }

        if (!IsStandIn)
        {
            return new SmokeItem(name, SmokeVerdict.Confirmed, observation.Detail);
        }

        return accountOnly
            ? SmokeItem.NotCheckable(name, $"stand-in (only an AWS account can prove this; the stand-in saw: {observation.Detail})")
            : new SmokeItem(name, SmokeVerdict.RanOnStandIn, observation.Detail);
    }

    /// <summary>The report's first line: where the smoke run runs.</summary>
    public string Header()
    {
        var where = IsStandIn
            ? $"stand-ins ({string.Join(", ", OverriddenEndpoints)}): items only an AWS account can prove are not checkable here"
            : "AWS (no endpoint overridden)";
        return string.Create(CultureInfo.InvariantCulture, $"OneOff smoke run {SmokeId}: deployment '{DeploymentId}', {Store.Root}, against {where}.");
    }

    private static string[] FindOverrides(Func<string, string?> environment)
    {
        // As AwsEndpoints.ResolveOverride: AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns every override off.
        if (string.Equals(environment("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        return [.. s_endpointVariables.Select(n => (Name: n, Value: environment(n)?.Trim())).Where(v => !string.IsNullOrEmpty(v.Value)).Select(v => $"{v.Name}={v.Value}")];
    }
}
