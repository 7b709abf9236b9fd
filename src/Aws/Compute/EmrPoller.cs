using Microsoft.Extensions.Logging;
using OneOff.Aws.Clients;
using OneOff.Aws.Clients.Emr;
using OneOff.Aws.Clients.Emr.Models;

namespace OneOff.Aws.Compute;

/// <summary>What one poll saw of a followed cluster: its state (and, once it has ended, its full description) and its steps.</summary>
/// <param name="Cluster">
/// From <c>ListClusters</c> while the cluster is active (id, name, <c>Status</c> with its reason), from
/// <c>DescribeCluster</c> once it has ended or when the list does not show it (then with <c>LogUri</c>,
/// <c>Ec2InstanceAttributes</c>, <c>ErrorDetails</c>).
/// </param>
/// <param name="Steps">The cluster's steps (newest first); empty before it runs, the last ones seen while it shuts down.</param>
internal sealed record EmrObservation(Cluster Cluster, IReadOnlyList<StepSummary> Steps);

/// <summary>
/// The one poller for every cluster an <see cref="EmrJobRunner"/>'s executions follow (ARCHITECTURE.md, "The EMR
/// path" item 4). Each tick makes:
/// <list type="number">
/// <item>one <c>ListClusters</c> with server-side filters (<c>ClusterStates</c> = the active states,
/// <c>CreatedAfter</c> = the oldest followed cluster's creation less a margin), paged by 50: the state and state
/// change reason of every followed cluster at once;</item>
/// <item><c>DescribeCluster</c> only for a followed cluster the list does not show: it has ended (this gives its
/// final reason, <c>ErrorDetails</c>, <c>LogUri</c> and zone, once) or the list lags just after RunJobFlow;</item>
/// <item><c>ListSteps</c> only for a cluster whose steps can move: RUNNING or WAITING, just turned TERMINATING, or
/// just ended (once);</item>
/// </list>
/// then hands each subscriber its <see cref="EmrObservation"/>; the subscribers run their store-progress scans (S3,
/// not EMR) side by side. So N followed runs cost 1 + R EMR calls per tick (R of them running), where N separate
/// loops cost N + R (a DescribeCluster each, then ListSteps each); a run still provisioning or bootstrapping costs
/// nothing beyond its share of the one list, and a run's end one DescribeCluster.
/// Ticks start at least <see cref="EmrJobRunnerOptions.PollSeconds"/> apart; when EMR throttles any call of a tick
/// (or fails it transiently), the whole poller backs off, exponentially with jitter, and every run's polling slows
/// together: a throttled account is not polled harder by having more runs. A definite refusal for one cluster ends
/// only that subscription ("lost track"); a refused <c>ListClusters</c> (a policy without it) falls back to one
/// <c>DescribeCluster</c> per cluster. The poller starts with its first subscription, stops when none is left, and
/// on <see cref="DisposeAsync"/> (whose subscribers are told the poller stopped).
/// </summary>
internal sealed partial class EmrPoller : IAsyncDisposable
{
    /// <summary>How much older than the oldest followed cluster's known creation time a listed cluster may be (clock skew, RunJobFlow's own time).</summary>
    internal static readonly TimeSpan CreatedAfterMargin = TimeSpan.FromMinutes(15);

    private readonly EmrClient _emr;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly List<EmrSubscription> _subscriptions = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private bool _disposed;
    private bool _listRefusedLogged;
    private int _ticks;

    public EmrPoller(EmrClient emr, TimeSpan interval, ILogger logger, TimeProvider time)
    {
        _emr = emr;
        _interval = interval;
        _logger = logger;
        _time = time;
    }

    /// <summary>How many clusters are followed now.</summary>
    public int Followed
    {
        get
        {
            lock (_lock)
            {
                return _subscriptions.Count;
            }
        }
    }

    /// <summary>Whether <see cref="DisposeAsync"/> has been called.</summary>
    public bool IsDisposed
    {
        get
        {
            lock (_lock)
            {
                return _disposed;
            }
        }
    }

    /// <summary>Whether the polling loop runs now (it stops when nothing is followed).</summary>
    public bool IsRunning
    {
        get
        {
            lock (_lock)
            {
                return _loop is not null;
            }
        }
    }

    /// <summary>
    /// Follows <paramref name="clusterId"/> from the next tick on: <paramref name="observe"/> gets each observation,
    /// one at a time, and returns true when it needs no more (the cluster has ended); <paramref name="lost"/> is told
    /// when the cluster cannot be followed any more (EMR refused a call about it) or the poller stopped
    /// (<see cref="OperationCanceledException"/>). Disposing the subscription stops following and waits for an
    /// observation in progress to end.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The poller has been disposed (its runner is gone).</exception>
    public IAsyncDisposable Follow(
        string clusterId, DateTimeOffset createdAt, Func<EmrObservation, CancellationToken, Task<bool>> observe, Action<Exception> lost)
    {
        var subscription = new EmrSubscription(this, clusterId, createdAt, observe, lost);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _subscriptions.Add(subscription);
            _loop ??= Task.Run(RunAsync);
        }

        return subscription;
    }

    /// <summary>Stops polling; every subscriber left is told the poller stopped.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? loop;
        EmrSubscription[] left;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            loop = _loop;
            left = [.. _subscriptions];
            _subscriptions.Clear();
            foreach (var subscription in left)
            {
                subscription.Removed = true;
            }
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        foreach (var subscription in left)
        {
            await subscription.Current.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            subscription.Lost(new OperationCanceledException("The EMR poller stopped (its runner was disposed)."));
        }

        _stop.Dispose();
    }

    /// <summary>Whether <paramref name="e"/> is worth another try later (throttled, a 5xx, a timeout, a dropped connection).</summary>
    internal static bool IsRetryable(Exception e) =>
        e is AwsThrottlingException or TimeoutException or HttpRequestException || e is AwsServiceException { IsTransient: true };

    private async Task RunAsync()
    {
        var token = _stop.Token;
        var failures = 0;
        try
        {
            while (true)
            {
                EmrSubscription[] followed;
                lock (_lock)
                {
                    if (_subscriptions.Count == 0 || token.IsCancellationRequested)
                    {
                        // Nothing to follow: stop; the next Follow starts a new loop (under the same lock, so none is missed).
                        _loop = null;
                        return;
                    }

                    followed = [.. _subscriptions];
                }

                TimeSpan delay;
                try
                {
                    await TickAsync(followed, token).ConfigureAwait(false);
                    failures = 0;
                    delay = _interval;
                }
                catch (Exception e) when (!token.IsCancellationRequested && IsRetryable(e))
                {
                    // Throttling is the most reported EMR client problem: the whole poller backs off, jittered and exponential.
                    failures++;
                    delay = EmrExecution.Backoff(_interval, failures);
                    LogBackoff(_logger, followed.Length, failures, delay.TotalSeconds, e.Message);
                }

                await Task.Delay(delay, _time, token).ConfigureAwait(false);
            }
        }
        catch (Exception) when (token.IsCancellationRequested)
        {
            // Disposed: whatever the last tick was doing is moot; DisposeAsync tells the subscribers.
            lock (_lock)
            {
                _loop = null;
            }
        }
        catch (Exception e)
        {
            // A bug, not EMR: every subscriber is told, rather than left waiting for a poll that never comes.
            LogPollerFailed(_logger, e);
            EmrSubscription[] left;
            lock (_lock)
            {
                _loop = null;
                left = [.. _subscriptions];
                _subscriptions.Clear();
                foreach (var subscription in left)
                {
                    subscription.Removed = true;
                }
            }

            foreach (var subscription in left)
            {
                subscription.Lost(e);
            }
        }
    }

    private async Task TickAsync(EmrSubscription[] followed, CancellationToken token)
    {
        var listed = await ListActiveAsync(followed, token).ConfigureAwait(false);
        var deliveries = new List<Task>(followed.Length);
        Exception? retry = null;
        // A tick cut short by throttling starts the next one further on, so that no run waits behind the others for ever.
        var first = (int)(unchecked((uint)_ticks++) % (uint)followed.Length);
        foreach (var subscription in followed[first..].Concat(followed[..first]))
        {
            EmrObservation observation;
            try
            {
                observation = await ObserveAsync(subscription, listed, token).ConfigureAwait(false);
            }
            catch (Exception) when (token.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e) when (IsRetryable(e))
            {
                // The account is throttled: stop this tick (the clusters already seen still get their observations).
                retry = e;
                break;
            }
            catch (Exception e) when (e is AwsServiceException or InvalidDataException)
            {
                // A definite refusal about this cluster (access denied, an unknown id): only its run loses track.
                if (TryRemove(subscription))
                {
                    subscription.Lost(e);
                }

                continue;
            }

            lock (_lock)
            {
                if (subscription.Removed)
                {
                    continue;
                }

                subscription.Current = Task.Run(() => DeliverAsync(subscription, observation, token), CancellationToken.None);
                deliveries.Add(subscription.Current);
            }
        }

        await Task.WhenAll(deliveries).ConfigureAwait(false);
        if (retry is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(retry);
        }
    }

    /// <summary>The active clusters created since the oldest followed one, by id; null when EMR refuses ListClusters outright.</summary>
    private async Task<Dictionary<string, ClusterSummary>?> ListActiveAsync(EmrSubscription[] followed, CancellationToken token)
    {
        var request = new ListClustersRequest
        {
            ClusterStates = EmrClusterState.Active,
            CreatedAfter = followed.Min(s => s.CreatedAt) - CreatedAfterMargin,
        };
        var wanted = followed.Select(s => s.ClusterId).ToHashSet(StringComparer.Ordinal);
        var listed = new Dictionary<string, ClusterSummary>(StringComparer.Ordinal);
        try
        {
            await foreach (var summary in _emr.ListAllClustersAsync(request, token).ConfigureAwait(false))
            {
                if (summary.Id is { } id && wanted.Contains(id))
                {
                    listed[id] = summary;
                }
            }
        }
        catch (AwsServiceException e) when (!IsRetryable(e))
        {
            if (!_listRefusedLogged)
            {
                _listRefusedLogged = true;
                LogListRefused(_logger, e.Message);
            }

            return null;
        }

        return listed;
    }

    private async Task<EmrObservation> ObserveAsync(EmrSubscription subscription, Dictionary<string, ClusterSummary>? listed, CancellationToken token)
    {
        Cluster cluster;
        if (listed is not null && listed.TryGetValue(subscription.ClusterId, out var summary) && summary.Status?.State is { } listedState
            && !EmrClusterState.IsFinal(listedState))
        {
            cluster = new Cluster { Id = summary.Id, Name = summary.Name, Status = summary.Status, ClusterArn = summary.ClusterArn, NormalizedInstanceHours = summary.NormalizedInstanceHours };
        }
        else
        {
            // Not among the active clusters: it has ended (or the list lags); its description says how.
            cluster = (await _emr.DescribeClusterAsync(new DescribeClusterRequest { ClusterId = subscription.ClusterId }, token).ConfigureAwait(false)).Cluster
                ?? throw new InvalidDataException($"DescribeCluster returned no cluster for {subscription.ClusterId}.");
        }

        var state = cluster.Status?.State;
        var changed = !string.Equals(state, subscription.LastState, StringComparison.Ordinal);
        IReadOnlyList<StepSummary> steps = state switch
        {
            EmrClusterState.Running or EmrClusterState.Waiting => await StepsAsync(subscription.ClusterId, token).ConfigureAwait(false),
            EmrClusterState.Terminating when changed => await StepsAsync(subscription.ClusterId, token).ConfigureAwait(false),
            _ when EmrClusterState.IsFinal(state) => await StepsAsync(subscription.ClusterId, token).ConfigureAwait(false),
            EmrClusterState.Starting or EmrClusterState.Bootstrapping => [],
            _ => subscription.LastSteps,
        };
        subscription.LastState = state;
        subscription.LastSteps = steps;
        return new EmrObservation(cluster, steps);
    }

    private async Task<IReadOnlyList<StepSummary>> StepsAsync(string clusterId, CancellationToken token) =>
        await _emr.ListAllStepsAsync(new ListStepsRequest { ClusterId = clusterId }, token).ToListAsync(token).ConfigureAwait(false);

    private async Task DeliverAsync(EmrSubscription subscription, EmrObservation observation, CancellationToken token)
    {
        try
        {
            if (await subscription.Observe(observation, token).ConfigureAwait(false))
            {
                _ = TryRemove(subscription);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            // The subscriber words its own failures; anything it lets through ends only its subscription.
            if (TryRemove(subscription))
            {
                subscription.Lost(e);
            }
        }
    }

    /// <summary>Stops following; false when the subscription had gone already (its owner detached, or the poller stopped).</summary>
    private bool TryRemove(EmrSubscription subscription)
    {
        lock (_lock)
        {
            var was = !subscription.Removed;
            subscription.Removed = true;
            _subscriptions.Remove(subscription);
            return was;
        }
    }

    /// <summary>Stops following; returns the observation being delivered, if any.</summary>
    private Task Unfollow(EmrSubscription subscription)
    {
        lock (_lock)
        {
            subscription.Removed = true;
            _subscriptions.Remove(subscription);
            return subscription.Current;
        }
    }

    [LoggerMessage(EventId = 2221, Level = LogLevel.Warning, Message = "Polling EMR for {Clusters} cluster(s) failed ({Failures} in a row: {Error}); every run's polling backs off {Seconds:0.0} s")]
    private static partial void LogBackoff(ILogger logger, int clusters, int failures, double seconds, string error);

    [LoggerMessage(EventId = 2222, Level = LogLevel.Warning, Message = "EMR refused ListClusters ({Error}); polling each followed cluster with DescribeCluster instead")]
    private static partial void LogListRefused(ILogger logger, string error);

    [LoggerMessage(EventId = 2223, Level = LogLevel.Error, Message = "The EMR poller failed; its runs can no longer be followed")]
    private static partial void LogPollerFailed(ILogger logger, Exception error);

    /// <summary>One followed cluster: the subscriber's callbacks and what the poller last saw of it (touched by the poller's loop only).</summary>
    private sealed class EmrSubscription(
        EmrPoller poller, string clusterId, DateTimeOffset createdAt, Func<EmrObservation, CancellationToken, Task<bool>> observe, Action<Exception> lost)
        : IAsyncDisposable
    {
        public string ClusterId { get; } = clusterId;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public Func<EmrObservation, CancellationToken, Task<bool>> Observe { get; } = observe;

        public string? LastState { get; set; }

        public IReadOnlyList<StepSummary> LastSteps { get; set; } = [];

        /// <summary>The observation being delivered (set and read under the poller's lock).</summary>
        public Task Current { get; set; } = Task.CompletedTask;

        /// <summary>No longer followed (set under the poller's lock).</summary>
        public bool Removed { get; set; }

        public void Lost(Exception e) => lost(e);

        public async ValueTask DisposeAsync() =>
            await poller.Unfollow(this).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
