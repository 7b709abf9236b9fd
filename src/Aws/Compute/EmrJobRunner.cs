using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OneOff.Aws.Clients;
using OneOff.Aws.Clients.Emr;
using OneOff.Aws.Clients.Emr.Models;
using OneOff.Aws.Storage;
using OneOff.Core.Compute;
using OneOff.Core.Runs;

namespace OneOff.Aws.Compute;

/// <summary>How <see cref="EmrJobRunner"/> finds the job bundle and follows its clusters (<c>OneOff:Aws:Emr:*</c>).</summary>
public sealed class EmrJobRunnerOptions
{
    /// <summary>The configuration section these options bind to (the same as <see cref="EmrOptions"/>).</summary>
    public const string SectionName = EmrOptions.SectionName;

    /// <summary>
    /// <c>PollSeconds</c>: the least time between two polls of a cluster (default 15, as ARCHITECTURE "The EMR path"
    /// item 4 says: EMR throttles callers that poll faster).
    /// </summary>
    public double PollSeconds { get; set; } = 15;

    /// <summary>
    /// <c>BundleFolder</c>: the job bundle's source folder (<c>job/{rid}/</c>, <c>driver.py</c>, <c>bootstrap.sh</c>);
    /// default <c>bundle/</c> next to the app, where <c>dotnet publish src/Dashboard</c> puts it.
    /// </summary>
    public string? BundleFolder { get; set; }

    /// <summary>How many times RunJobFlow is tried in all when EMR throttles it (beyond the client's own retries); default 6.</summary>
    public int StartAttempts { get; set; } = 6;

    /// <summary>The bundle folder in effect.</summary>
    public string EffectiveBundleFolder => string.IsNullOrWhiteSpace(BundleFolder) ? Path.Combine(AppContext.BaseDirectory, "bundle") : BundleFolder.Trim();

    /// <summary>The poll interval in effect (at least 50 ms).</summary>
    public TimeSpan PollInterval => TimeSpan.FromSeconds(Math.Max(0.05, PollSeconds));
}

/// <summary>Checks <see cref="EmrJobRunnerOptions"/>; each failure is one line naming the key and the fix.</summary>
public sealed class EmrJobRunnerOptionsValidator : IValidateOptions<EmrJobRunnerOptions>
{
    private const string Key = EmrJobRunnerOptions.SectionName + ":";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, EmrJobRunnerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!double.IsFinite(options.PollSeconds) || options.PollSeconds is < 0.1 or > 600)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Key}PollSeconds is {options.PollSeconds}: use 0.1 to 600 seconds (the default is 15; EMR throttles callers that poll much faster)."));
        }

        if (options.StartAttempts is < 1 or > 20)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Key}StartAttempts is {options.StartAttempts}: use 1 to 20 (the default is 6)."));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// Runs a run's study on a throwaway EMR cluster (ARCHITECTURE.md, "The EMR path" items 2, 4, 5, 6): uploads the
/// job bundle once per content, starts the cluster with <see cref="EmrClusterRequest.Build"/> (tagged with the
/// submission key, so that an ambiguous RunJobFlow failure is resolved by finding the cluster, never by starting a
/// second one), and follows every cluster it started or re-attached to with ONE <see cref="EmrPoller"/> (its
/// summary says which calls a tick makes: one ListClusters for all runs, ListSteps only where steps can move). The
/// handle is <c>emr:{clusterId}</c>. Disposing an execution detaches from the cluster (it ends itself);
/// <see cref="IJobExecution.CancelAsync"/> terminates it. Disposing the runner stops the poller; its executions end
/// detached, their clusters running on.
/// </summary>
public sealed partial class EmrJobRunner : IJobRunner, IAsyncDisposable, IDisposable
{
    /// <summary>The <see cref="JobHandle.Runner"/> of this runner's handles.</summary>
    public const string RunnerName = "emr";

    private static readonly ConcurrentDictionary<string, Lazy<Task<JobBundle>>> s_bundles = new(StringComparer.Ordinal);
    private const string ArtifactsPrefix = "oneoff-bundle-";
    private static readonly Lazy<string> s_artifactsRoot = new(CreateArtifactsRoot, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly EmrClient _emr;
    private readonly S3ObjectStore _store;
    private readonly EmrOptions _options;
    private readonly EmrJobRunnerOptions _runnerOptions;
    private readonly EmrDeployment _deployment;
    private readonly BundleUploader _uploader;
    private readonly ILogger<EmrJobRunner> _logger;
    private readonly TimeProvider _time;
    private readonly EmrPoller _poller;

    /// <summary>Creates a runner whose clusters write to <paramref name="store"/>.</summary>
    internal EmrJobRunner(
        EmrClient emr, S3ObjectStore store, EmrOptions options, EmrJobRunnerOptions runnerOptions, string deploymentId,
        ILoggerFactory loggers, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(emr);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(runnerOptions);
        ArgumentException.ThrowIfNullOrWhiteSpace(deploymentId);
        ArgumentNullException.ThrowIfNull(loggers);
        _emr = emr;
        _store = store;
        _options = options;
        _runnerOptions = runnerOptions;
        _deployment = new EmrDeployment(deploymentId, store.Location);
        _uploader = new BundleUploader(store, loggers.CreateLogger<BundleUploader>());
        _logger = loggers.CreateLogger<EmrJobRunner>();
        _time = timeProvider ?? TimeProvider.System;
        _poller = new EmrPoller(emr, runnerOptions.PollInterval, loggers.CreateLogger<EmrPoller>(), _time);
    }

    /// <summary>How many clusters this runner's poller follows now (for tests and diagnostics).</summary>
    internal int Followed => _poller.Followed;

    /// <summary>Whether this runner's poller is polling now (only while it follows a cluster).</summary>
    internal bool IsPolling => _poller.IsRunning;

    /// <summary>Stops the poller (started with the first execution, stopped when none is followed); executions still followed end detached.</summary>
    public ValueTask DisposeAsync() => _poller.DisposeAsync();

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose() => _poller.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async Task<IJobExecution> StartAsync(JobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_poller.IsDisposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        var bundle = await GetBundleAsync(cancellationToken).ConfigureAwait(false);
        BundleLocation location;
        try
        {
            location = await _uploader.UploadAsync(bundle, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or Amazon.Runtime.AmazonServiceException or UnauthorizedAccessException)
        {
            throw new JobStartException($"The job bundle could not be uploaded to {_store.Root}: {e.Message}", e);
        }

        var body = EmrClusterRequest.Build(
            _options, _deployment, request.Parameters, new BundleArtifacts(bundle.ContentHash, location.Uri), request.SubmissionKey,
            string.IsNullOrWhiteSpace(request.User) ? "unknown" : request.User, _time.GetUtcNow());
        var clusterId = await SubmitAsync(body, request.RunId, request.SubmissionKey, cancellationToken).ConfigureAwait(false);
        LogStarted(_logger, clusterId, request.RunId, request.SubmissionKey);
        var started = new JobStarted(request.RunId, request.Parameters.HiddenSizes, request.Parameters.MaxIter);
        return new EmrExecution(_emr, _store, _poller, _options, _runnerOptions, clusterId, request.RunId, started, _time.GetUtcNow(), _logger, _time);
    }

    /// <inheritdoc />
    public async Task<IJobExecution?> AttachAsync(string runId, JobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ObjectDisposedException.ThrowIf(_poller.IsDisposed, this);
        if (!string.Equals(handle.Runner, RunnerName, StringComparison.Ordinal) || !IsClusterId(handle.Id))
        {
            return null;
        }

        Cluster? cluster;
        try
        {
            cluster = (await _emr.DescribeClusterAsync(new DescribeClusterRequest { ClusterId = handle.Id }, cancellationToken).ConfigureAwait(false)).Cluster;
        }
        catch (AwsServiceException e) when (e is AwsInvalidRequestException or AwsResourceNotFoundException || e.ErrorCode is "InvalidRequestException" or "ValidationException")
        {
            // EMR answers InvalidRequestException for a cluster id it does not know (aws-protocols.md; the stand-in does too).
            return null;
        }

        if (cluster?.Status?.State is null)
        {
            return null;
        }

        var tagged = EmrTags.Find(cluster.Tags, EmrTags.RunId);
        if (tagged is not null && !string.Equals(tagged, runId, StringComparison.Ordinal))
        {
            // Another run's cluster: following it would report someone else's progress as this run's.
            return null;
        }

        LogAttached(_logger, handle.Id, runId, cluster.Status.State);
        var createdAt = cluster.Status.Timeline?.CreationDateTime ?? _time.GetUtcNow();
        return new EmrExecution(_emr, _store, _poller, _options, _runnerOptions, handle.Id, runId, started: null, createdAt, _logger, _time);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The control plane stopped between RunJobFlow and saving the cluster id: the active cluster of this deployment
    /// named for the run and tagged with its submission key is the run's (ARCHITECTURE.md, "Runs and restarts").
    /// </remarks>
    public async Task<IJobExecution?> FindStartedAsync(JobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var found = await FindBySubmissionAsync(EmrClusterRequest.ClusterName(_deployment.DeploymentId, request.RunId), request.SubmissionKey, cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            return null;
        }

        LogAdopted(_logger, found, request.SubmissionKey);
        return await AttachAsync(request.RunId, new JobHandle(RunnerName, found), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>The cluster's groups at the configured list prices for the time <see cref="EmrCost.Estimate"/> expects (provisioning included).</remarks>
    public JobEstimate Estimate(RunParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var estimate = EmrCost.Estimate(_options, parameters, EmrCost.DefaultRate);
        var groups = string.Join(" + ", estimate.Lines.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Count} × {l.InstanceType}")));
        return new JobEstimate(estimate.Duration, $"on EMR ({groups})", new JobCost(estimate.Dollars));
    }

    /// <summary>Whether <paramref name="id"/> looks like an EMR cluster id (<c>j-</c> and letters and digits).</summary>
    internal static bool IsClusterId(string? id) =>
        id is { Length: > 2 and <= 64 } && id.StartsWith("j-", StringComparison.Ordinal)
        && !id.AsSpan(2).ContainsAnyExcept("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");

    /// <summary>The tags of <see cref="EmrClusterRequest.Build"/> name the run; <see cref="EmrTags.Submission"/> the submission.</summary>
    private async Task<string> SubmitAsync(RunJobFlowRequest body, string runId, string submissionKey, CancellationToken cancellationToken)
    {
        var attempts = Math.Max(1, _runnerOptions.StartAttempts);
        for (var attempt = 1; ; attempt++)
        {
            Exception ambiguous;
            try
            {
                var response = await _emr.RunJobFlowAsync(body, cancellationToken).ConfigureAwait(false);
                return response.JobFlowId is { Length: > 0 } id
                    ? id
                    : throw new JobStartException("EMR accepted the cluster but returned no cluster id.");
            }
            catch (AwsThrottlingException e)
            {
                // Throttled: EMR certainly did not act (the client has retried already); back off and try again.
                if (attempt >= attempts)
                {
                    throw new JobStartException($"EMR kept refusing to start the cluster because of too many requests ({e.ErrorCode}); try again in a minute.", e);
                }

                LogStartThrottled(_logger, runId, attempt);
                await Task.Delay(EmrExecution.Backoff(_runnerOptions.PollInterval, attempt), _time, cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (AwsServiceException e) when (!e.IsTransient)
            {
                // A definite refusal (validation, access denied, …): EMR's own words, in one line.
                var words = string.IsNullOrWhiteSpace(e.ServiceMessage) ? e.ErrorCode : $"{e.ServiceMessage.Trim()} ({e.ErrorCode})";
                throw new JobStartException($"EMR refused to start the cluster: {words}", e);
            }
            catch (Exception e) when (e is AwsServiceException or TimeoutException or HttpRequestException)
            {
                ambiguous = e;
            }

            // A timeout, a 5xx or a dropped connection: the cluster may exist. Look for it before any second attempt.
            LogStartAmbiguous(_logger, runId, ambiguous.Message);
            if (await FindBySubmissionAsync(body.Name, submissionKey, cancellationToken).ConfigureAwait(false) is { } found)
            {
                LogAdopted(_logger, found, submissionKey);
                return found;
            }

            if (attempt >= attempts)
            {
                throw new JobStartException($"EMR did not confirm the cluster's start ({ambiguous.Message}) and no cluster of this submission exists; try again.", ambiguous);
            }

            await Task.Delay(EmrExecution.Backoff(_runnerOptions.PollInterval, attempt), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The active cluster tagged with <paramref name="submissionKey"/> (by the run's cluster name first), or null.</summary>
    internal async Task<string?> FindBySubmissionAsync(string? name, string submissionKey, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await foreach (var summary in _emr.ListAllClustersAsync(new ListClustersRequest { ClusterStates = EmrClusterState.Active }, cancellationToken).ConfigureAwait(false))
                {
                    if (summary.Id is null || (name is not null && !string.Equals(summary.Name, name, StringComparison.Ordinal)))
                    {
                        continue;
                    }

                    var cluster = (await _emr.DescribeClusterAsync(new DescribeClusterRequest { ClusterId = summary.Id }, cancellationToken).ConfigureAwait(false)).Cluster;
                    if (string.Equals(EmrTags.Find(cluster?.Tags, EmrTags.Submission), EmrTags.SafeValue(submissionKey), StringComparison.Ordinal))
                    {
                        return summary.Id;
                    }
                }

                return null;
            }
            catch (Exception e) when (e is AwsThrottlingException or TimeoutException or HttpRequestException || e is AwsServiceException { IsTransient: true })
            {
                // Not knowing is not "not found": a second RunJobFlow now could start a second cluster.
                if (attempt >= Math.Max(3, _runnerOptions.StartAttempts))
                {
                    throw new JobStartException($"EMR did not confirm the cluster's start, and looking for it failed too ({e.Message}); check the EMR console for a cluster tagged {EmrTags.Submission}={submissionKey} before trying again.", e);
                }

                await Task.Delay(EmrExecution.Backoff(_runnerOptions.PollInterval, attempt), _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Where this process packs the bundle of <paramref name="sourceFolder"/>: under a folder of its own, owner-only
    /// (700), named with its process id and removed when the process exits (or, after a crash, by the next process
    /// that packs a bundle, once that id is no longer running). Two processes on one host (the dashboard and its
    /// smoke verb, measured: a shared folder made the second fail with "being used by another process") never write
    /// each other's tarballs, and no other user of the host can swap one between its packing and its upload.
    /// </summary>
    internal static string ArtifactsFolder(string sourceFolder) =>
        Path.Combine(s_artifactsRoot.Value, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(sourceFolder)))[..16]);

    private static string CreateArtifactsRoot()
    {
        RemoveArtifactsOfEndedProcesses();
        var root = Directory.CreateTempSubdirectory($"{ArtifactsPrefix}{Environment.ProcessId}-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left in the temporary folder; nothing else reads it.
            }
        };
        return root;
    }

    /// <summary>Removes the artifact folders (<c>oneoff-bundle-{pid}-…</c>) of processes that ended without removing theirs.</summary>
    internal static void RemoveArtifactsOfEndedProcesses()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), ArtifactsPrefix + "*"))
        {
            var name = Path.GetFileName(folder.AsSpan());
            var rest = name[ArtifactsPrefix.Length..];
            var dash = rest.IndexOf('-');
            if (dash <= 0 || !int.TryParse(rest[..dash], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid)
                || pid == Environment.ProcessId || IsRunning(pid))
            {
                continue;
            }

            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another user's, or already going: left alone.
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private async Task<JobBundle> GetBundleAsync(CancellationToken cancellationToken)
    {
        var folder = Path.GetFullPath(_runnerOptions.EffectiveBundleFolder);
        if (JobBundle.FindProblem(folder) is { } problem)
        {
            throw new JobStartException(problem);
        }

        // Built once per source folder and process: the artifacts are two self-contained tarballs of ~40 MB.
        var lazy = s_bundles.GetOrAdd(folder, f => new Lazy<Task<JobBundle>>(
            () => JobBundle.BuildAsync(f, ArtifactsFolder(f)),
            LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            s_bundles.TryRemove(new KeyValuePair<string, Lazy<Task<JobBundle>>>(folder, lazy));
            throw new JobStartException($"The job bundle in '{folder}' could not be packed: {e.Message}", e);
        }
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Started EMR cluster {ClusterId} for run {RunId} (submission {SubmissionKey})")]
    private static partial void LogStarted(ILogger logger, string clusterId, string runId, string submissionKey);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "Re-attached to EMR cluster {ClusterId} of run {RunId} ({State})")]
    private static partial void LogAttached(ILogger logger, string clusterId, string runId, string state);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Warning, Message = "RunJobFlow for run {RunId} was throttled (attempt {Attempt}); backing off")]
    private static partial void LogStartThrottled(ILogger logger, string runId, int attempt);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Warning, Message = "RunJobFlow for run {RunId} failed ambiguously ({Error}); looking for the cluster by its submission tag")]
    private static partial void LogStartAmbiguous(ILogger logger, string runId, string error);

    [LoggerMessage(EventId = 2205, Level = LogLevel.Information, Message = "Found cluster {ClusterId} by its submission tag {SubmissionKey}; not starting another")]
    private static partial void LogAdopted(ILogger logger, string clusterId, string submissionKey);
}
