using System.Collections.Immutable;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OneOff.Aws.Clients;
using OneOff.Aws.Clients.Emr;
using OneOff.Aws.Clients.Emr.Models;
using OneOff.Aws.Storage;
using OneOff.Core.Compute;
using OneOff.Core.Runs;
using OneOff.Core.Storage;

namespace OneOff.Aws.Compute;

/// <summary>
/// One followed cluster, a subscriber of its runner's <see cref="EmrPoller"/> (ARCHITECTURE.md, "The EMR path"
/// item 4): the poller hands it what EMR says of the cluster and its steps each tick; it runs the store-progress
/// scan while <c>train</c> runs (and once at the end), maps all of it with <see cref="EmrRunState.Map"/>, and
/// terminates a cluster still starting after <see cref="EmrOptions.StartTimeoutMinutes"/>.
/// Events: <see cref="JobStarted"/> first (when known), a <see cref="JobPhase"/> whenever the phase text changes, a
/// <see cref="JobModelDone"/> per size found, <see cref="JobPublished"/> when the manifest exists at the end, else
/// <see cref="JobFailed"/> with the completion's reason (the phase says "failed" as soon as the cluster has ended;
/// the reason waits, on this execution's own task and not the poller's, up to <see cref="EmrOptions.LogWaitMinutes"/>
/// for the failed step's or bootstrap action's log to add its last lines). Disposing detaches (the cluster ends
/// itself; a restarted control plane re-attaches); <see cref="CancelAsync"/> terminates the cluster and follows it
/// to TERMINATED, where the manifest decides.
/// </summary>
internal sealed partial class EmrExecution : IJobExecution
{
    private const int ReasonLogLines = 3;
    private const int DiagnosticLines = 20;
    private readonly EmrClient _emr;
    private readonly S3ObjectStore _store;
    private readonly StoreProgress _progress;
    private readonly EmrPoller _poller;
    private readonly EmrOptions _options;
    private readonly EmrJobRunnerOptions _runnerOptions;
    private readonly string _clusterId;
    private readonly string _runId;
    private readonly DateTimeOffset _createdAt;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<JobEvent> _events = Channel.CreateUnbounded<JobEvent>(new() { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _detach = new();
    private readonly TaskCompletionSource<EmrObservation> _final = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<int> _done = [];
    private readonly Task<JobExit> _completion;
    private JobStarted? _started;
    private string? _phase;
    private string? _timedOutPhase;
    private bool _published;
    private volatile bool _cancelRequested;

    public EmrExecution(
        EmrClient emr, S3ObjectStore store, EmrPoller poller, EmrOptions options, EmrJobRunnerOptions runnerOptions, string clusterId, string runId,
        JobStarted? started, DateTimeOffset createdAt, ILogger logger, TimeProvider time)
    {
        _emr = emr;
        _store = store;
        _progress = new StoreProgress(store);
        _poller = poller;
        _options = options;
        _runnerOptions = runnerOptions;
        _clusterId = clusterId;
        _runId = runId;
        _started = started;
        _createdAt = createdAt;
        _logger = logger;
        _time = time;
        Handle = new JobHandle(EmrJobRunner.RunnerName, clusterId);
        _completion = FollowCoreAsync();
    }

    public JobHandle Handle { get; }

    public Task<JobExit> Completion => _completion;

    public IAsyncEnumerable<JobEvent> ReadEventsAsync(CancellationToken cancellationToken = default) => _events.Reader.ReadAllAsync(cancellationToken);

    public async Task CancelAsync(CancellationToken cancellationToken = default)
    {
        _cancelRequested = true;
        if (!_completion.IsCompleted)
        {
            LogCancelling(_logger, _clusterId, _runId);
            await TerminateAsync(cancellationToken).ConfigureAwait(false);
        }

        // Followed to TERMINATED: the manifest decides (a run that published before the cancel took effect succeeded).
        await _completion.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        // Detaches without stopping the cluster: it ends itself, and a restarted control plane re-attaches to it.
        await _detach.CancelAsync().ConfigureAwait(false);
        try
        {
            await _completion.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _detach.Dispose();
    }

    /// <summary>A jittered exponential delay: between half and all of <paramref name="interval"/> × 2^attempt, at most 5 minutes (or the interval).</summary>
    internal static TimeSpan Backoff(TimeSpan interval, int attempt)
    {
        var ceiling = Math.Max(interval.TotalMilliseconds, TimeSpan.FromMinutes(5).TotalMilliseconds);
        var full = Math.Min(ceiling, interval.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt, 0, 16)));
        return TimeSpan.FromMilliseconds(full / 2 + (Random.Shared.NextDouble() * full / 2));
    }

    private async Task<JobExit> FollowCoreAsync()
    {
        await Task.Yield();
        try
        {
            var exit = await FollowAsync(_detach.Token).ConfigureAwait(false);
            // The cluster has ended: what its instances cost joins the run record (a failed listing leaves it unknown).
            return exit with { Cost = await EmrCost.MeasureAsync(_emr, _clusterId, _options.Prices, _time.GetUtcNow(), _detach.Token).ConfigureAwait(false) };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // EMR refused a call outright (access denied, an unknown cluster): the run cannot be followed any more.
            return Failed($"OneOff lost track of EMR cluster {_clusterId}: {e.Message}", null);
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    private async Task<JobExit> FollowAsync(CancellationToken token)
    {
        if (_started is not null)
        {
            _events.Writer.TryWrite(_started);
        }

        EmrObservation final;
        await using (_poller.Follow(_clusterId, _createdAt, ObserveAsync, Lost).ConfigureAwait(false))
        {
            // Disposing the subscription (also when detached) waits for an observation in progress: none writes after this.
            final = await _final.Task.WaitAsync(token).ConfigureAwait(false);
        }

        return await FinishAsync(final.Cluster, final.Steps, _published, _timedOutPhase, token).ConfigureAwait(false);
    }

    private void Lost(Exception e)
    {
        if (e is OperationCanceledException)
        {
            // The poller stopped (its runner was disposed: the control plane is going away): detached, as DisposeAsync.
            _final.TrySetCanceled();
        }
        else
        {
            _final.TrySetException(e);
        }
    }

    /// <summary>One tick's view of the cluster (from <see cref="EmrPoller"/>): events, the start timeout; true once the cluster has ended.</summary>
    private async Task<bool> ObserveAsync(EmrObservation observation, CancellationToken pollerToken)
    {
        var (cluster, steps) = observation;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(pollerToken, _detach.Token);
        var token = linked.Token;
        var state = cluster.Status?.State;
        var final = EmrClusterState.IsFinal(state);
        try
        {
            if (_started is null && StartedFromSteps(_runId, steps) is { } synthesised)
            {
                _started = synthesised;
                _events.Writer.TryWrite(synthesised);
            }

            if (final || TrainHasBegun(steps))
            {
                var scan = await _progress.ScanAsync(_runId, _done, token).ConfigureAwait(false);
                foreach (var model in scan.Models)
                {
                    _done.Add(model.NHidden);
                    _events.Writer.TryWrite(model);
                }

                _published = scan.Published;
            }
        }
        catch (Exception e) when (!token.IsCancellationRequested && IsRetryable(e))
        {
            // The store answered slowly or not at all: the next tick scans again.
            LogScanFailed(_logger, _clusterId, _runId, e.Message);
            return false;
        }

        var total = _started?.HiddenSizes.Length ?? 0;
        var status = EmrRunState.Map(state, cluster.Status?.StateChangeReason?.Code, steps, _published, total > 0 ? new EmrTrainingProgress(_done.Count, total) : null);
        if (!string.Equals(status.Phase, _phase, StringComparison.Ordinal))
        {
            _phase = status.Phase;
            _events.Writer.TryWrite(new JobPhase(_phase));
        }

        if (final)
        {
            _final.TrySetResult(observation);
            return true;
        }

        if (_timedOutPhase is null && state is EmrClusterState.Starting or EmrClusterState.Bootstrapping
            && _time.GetUtcNow() - _createdAt > TimeSpan.FromMinutes(_options.StartTimeoutMinutes))
        {
            _timedOutPhase = status.Phase;
            LogStartTimedOut(_logger, _clusterId, _runId, _options.StartTimeoutMinutes, status.Phase);
            try
            {
                await TerminateAsync(token).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                _final.TrySetException(e);
                return true;
            }
        }

        return false;
    }

    private async Task<JobExit> FinishAsync(Cluster cluster, IReadOnlyList<StepSummary> steps, bool published, string? timedOutPhase, CancellationToken token)
    {
        if (published)
        {
            try
            {
                if (await _progress.ReadManifestAsync(_runId, token).ConfigureAwait(false) is { } manifest)
                {
                    _events.Writer.TryWrite(JobPublished.Of(manifest));
                    LogEnded(_logger, _clusterId, _runId, "published");
                    return new JobExit(null, null);
                }
            }
            catch (InvalidDataException e)
            {
                return Failed($"the job wrote a manifest that cannot be read: {e.Message}", null);
            }
        }

        if (timedOutPhase is not null)
        {
            return Failed(EmrFailureWords.StartTimedOut(_options.StartTimeoutMinutes, timedOutPhase, _options.PrimaryInstanceType), null);
        }

        var failedStep = EmrStepNames.InOrder
            .Select(name => steps.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal)))
            .FirstOrDefault(s => s?.Status?.State is EmrStepState.Failed);
        var words = EmrFailureWords.Describe(
            cluster.Status?.StateChangeReason, cluster.Status?.ErrorDetails, _options.PrimaryInstanceType?.Trim(),
            cluster.Ec2InstanceAttributes?.Ec2AvailabilityZone, failedStep?.Name);
        if (_cancelRequested && cluster.Status?.StateChangeReason?.Code == EmrClusterReason.UserRequest)
        {
            words = "cancelled: " + words;
        }

        var bootstrapLog = BootstrapLogUri(cluster);
        if (failedStep?.Id is null && bootstrapLog is null)
        {
            return Failed(words, null);
        }

        // The phase has said "failed" already; the stderr.gz reaches S3 minutes later, so look for it up to
        // LogWaitMinutes and then end with the reason and its last lines (the follower keeps JobFailed's message).
        var tail = failedStep?.Id is { } stepId
            ? await StepLogTailAsync(cluster, stepId, token).ConfigureAwait(false)
            : bootstrapLog is null ? null : await LogTailAsync(bootstrapLog, "bootstrap", token).ConfigureAwait(false);
        if (tail is null)
        {
            return Failed(words, null);
        }

        var lines = tail.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var whose = failedStep is null ? "the install script's" : "the step's";
        var reason = $"{words}; {whose} stderr ends: {string.Join(" | ", lines.TakeLast(ReasonLogLines))}";
        return Failed(reason, string.Join('\n', lines.TakeLast(DiagnosticLines)));
    }

    private JobExit Failed(string reason, string? diagnostics)
    {
        _events.Writer.TryWrite(new JobFailed(reason));
        LogEnded(_logger, _clusterId, _runId, reason);
        return new JobExit(null, reason, diagnostics);
    }

    /// <summary>The failed step's stderr (<c>FailureDetails.LogFile</c>, else the step's folder under the log URI), as <see cref="LogTailAsync"/> reads it.</summary>
    private async Task<string?> StepLogTailAsync(Cluster cluster, string stepId, CancellationToken token)
    {
        string? logFile = null;
        try
        {
            var step = (await _emr.DescribeStepAsync(new DescribeStepRequest { ClusterId = _clusterId, StepId = stepId }, token).ConfigureAwait(false)).Step;
            logFile = step?.Status?.FailureDetails?.LogFile;
        }
        catch (Exception e) when (IsRetryable(e) || e is AwsServiceException)
        {
            LogNoStepLog(_logger, _clusterId, stepId, e.Message);
        }

        string uri;
        try
        {
            uri = EmrLogUri.StepStderr(cluster.LogUri, _clusterId, stepId, logFile);
        }
        catch (ArgumentException)
        {
            return null;
        }

        return await LogTailAsync(uri, stepId, token).ConfigureAwait(false);
    }

    /// <summary>
    /// The primary node's bootstrap stderr.gz of a bootstrap failure that EMR's <c>ErrorDetails</c> names (the
    /// node in <c>primary-instance-id</c>, the action in <c>bootstrap-action</c>); null otherwise.
    /// </summary>
    private string? BootstrapLogUri(Cluster cluster)
    {
        foreach (var detail in cluster.Status?.ErrorDetails ?? [])
        {
            if (detail.ErrorCode?.StartsWith("BOOTSTRAP_FAILURE", StringComparison.Ordinal) != true)
            {
                continue;
            }

            var data = (detail.ErrorData ?? []).SelectMany(d => d).GroupBy(p => p.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);
            if (data.TryGetValue("primary-instance-id", out var instance) && !string.IsNullOrWhiteSpace(instance))
            {
                var action = data.TryGetValue("bootstrap-action", out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : 1;
                try
                {
                    return EmrLogUri.BootstrapStderr(cluster.LogUri, _clusterId, instance, action);
                }
                catch (ArgumentException)
                {
                    return null;
                }
            }
        }

        return null;
    }

    /// <summary>A log's text (gunzipped) once it is in the store; null when it is outside the store or does not come in time.</summary>
    private async Task<string?> LogTailAsync(string uri, string source, CancellationToken token)
    {
        // KeyUnder keeps the '/' after the store's prefix; the store's keys are relative.
        if (EmrLogUri.KeyUnder(_store.Location, uri)?.TrimStart('/') is not { Length: > 0 } key)
        {
            // Logs kept outside the deployment's bucket prefix are not read (the dashboard's role may not reach them).
            return null;
        }

        var deadline = _time.GetUtcNow() + TimeSpan.FromMinutes(_options.LogWaitMinutes);
        var interval = TimeSpan.FromMilliseconds(Math.Min(_runnerOptions.PollInterval.TotalMilliseconds, 5000));
        while (true)
        {
            try
            {
                var bytes = await _store.GetAsync(key, token).ConfigureAwait(false);
                return Gunzip(bytes);
            }
            catch (ObjectNotFoundException)
            {
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException || IsRetryable(e) || e is Amazon.Runtime.AmazonServiceException)
            {
                LogNoStepLog(_logger, _clusterId, source, e.Message);
                return null;
            }

            if (_time.GetUtcNow() >= deadline)
            {
                LogNoStepLog(_logger, _clusterId, source, $"{uri} did not arrive within {_options.LogWaitMinutes} minutes");
                return null;
            }

            await Task.Delay(interval, _time, token).ConfigureAwait(false);
        }
    }

    private static string Gunzip(byte[] bytes)
    {
        using var input = new MemoryStream(bytes);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private async Task TerminateAsync(CancellationToken token)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _emr.TerminateJobFlowsAsync(new TerminateJobFlowsRequest { JobFlowIds = [_clusterId] }, token).ConfigureAwait(false);
                LogTerminated(_logger, _clusterId, _runId);
                return;
            }
            catch (Exception e) when (IsRetryable(e) && attempt < 5)
            {
                await Task.Delay(Backoff(_runnerOptions.PollInterval, attempt), _time, token).ConfigureAwait(false);
            }
            catch (AwsServiceException e)
            {
                throw new InvalidOperationException($"EMR did not terminate cluster {_clusterId}: {e.Message}", e);
            }
        }
    }

    private static bool IsRetryable(Exception e) => EmrPoller.IsRetryable(e);

    /// <summary>Whether <c>train</c> (or a later step) has started: only then can sizes be done.</summary>
    private static bool TrainHasBegun(IReadOnlyList<StepSummary> steps) =>
        steps.Any(s => s.Name is EmrStepNames.Train or EmrStepNames.Publish && s.Status?.State is EmrStepState.Running or EmrStepState.Completed);

    /// <summary>
    /// A re-attached cluster's <see cref="JobStarted"/>, from the generate step's argv (<c>--hidden</c>, <c>--max-iter</c>);
    /// null when the steps do not say.
    /// </summary>
    internal static JobStarted? StartedFromSteps(string runId, IReadOnlyList<StepSummary> steps)
    {
        var args = steps.FirstOrDefault(s => s.Name == EmrStepNames.Generate)?.Config?.Args;
        if (args is null)
        {
            return null;
        }

        string? Value(string flag)
        {
            for (var i = 0; i < args.Count - 1; i++)
            {
                if (args[i] == flag)
                {
                    return args[i + 1];
                }
            }

            return null;
        }

        var sizes = ImmutableArray.CreateBuilder<int>();
        foreach (var part in (Value(RunParameterTable.HiddenSizes.Flag) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return null;
            }

            sizes.Add(n);
        }

        return sizes.Count > 0 && int.TryParse(Value(RunParameterTable.MaxIter.Flag), NumberStyles.None, CultureInfo.InvariantCulture, out var maxIter)
            ? new JobStarted(runId, sizes.ToImmutable(), maxIter)
            : null;
    }

    [LoggerMessage(EventId = 2211, Level = LogLevel.Warning, Message = "Looking in the store for the progress of run {RunId} (cluster {ClusterId}) failed ({Error}); looking again at the next poll")]
    private static partial void LogScanFailed(ILogger logger, string clusterId, string runId, string error);

    [LoggerMessage(EventId = 2212, Level = LogLevel.Information, Message = "Terminating EMR cluster {ClusterId} of run {RunId} on request")]
    private static partial void LogCancelling(ILogger logger, string clusterId, string runId);

    [LoggerMessage(EventId = 2213, Level = LogLevel.Information, Message = "Asked EMR to terminate cluster {ClusterId} of run {RunId}")]
    private static partial void LogTerminated(ILogger logger, string clusterId, string runId);

    [LoggerMessage(EventId = 2214, Level = LogLevel.Warning, Message = "EMR cluster {ClusterId} of run {RunId} was not running after {Minutes} minutes (still {Phase}); terminating it")]
    private static partial void LogStartTimedOut(ILogger logger, string clusterId, string runId, int minutes, string phase);

    [LoggerMessage(EventId = 2215, Level = LogLevel.Information, Message = "EMR cluster {ClusterId} of run {RunId} ended: {Outcome}")]
    private static partial void LogEnded(ILogger logger, string clusterId, string runId, string outcome);

    [LoggerMessage(EventId = 2216, Level = LogLevel.Information, Message = "No stderr log of {Source} of cluster {ClusterId}: {Why}")]
    private static partial void LogNoStepLog(ILogger logger, string clusterId, string source, string why);
}
