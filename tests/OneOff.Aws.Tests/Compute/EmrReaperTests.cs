using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OneOff.Aws.Clients.Emr;
using OneOff.Aws.Clients.Emr.Models;
using OneOff.Aws.Compute;
using OneOff.Aws.Tests.StandIns;
using OneOff.Core.Compute;
using OneOff.Core.Configuration;

namespace OneOff.Aws.Tests.Compute;

/// <summary>
/// <see cref="EmrReaper"/> and <see cref="EmrReaperService"/> against the EMR stand-in: clusters started with
/// RunJobFlow carrying the reaper's tags (no steps, kept alive, so they stay active until someone ends them). Each test
/// has its own deployment id, so it never sees another test's clusters as its own; every cluster started is
/// terminated at the end.
/// </summary>
[Collection(StandInsCollection.Name)]
public sealed class EmrReaperTests(StandInsFixture standins) : IAsyncLifetime
{
    private readonly string _deployment = "reaper-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> _started = [];
    private readonly FakeRunLookup _runs = new();
    private readonly ListLogger<EmrReaper> _log = new();

    // The stand-in stamps creation times with the real clock; the fake clocks start from it.
    private readonly DateTimeOffset _t0 = TimeProvider.System.GetUtcNow();
    private EmrClient? _emr;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private EmrClient Emr => _emr ?? throw new InvalidOperationException("Not initialised.");

    public async ValueTask InitializeAsync()
    {
        standins.SkipIfUnavailable();
        await standins.ClearFaultsAsync();
        _emr = standins.Emr();
    }

    public async ValueTask DisposeAsync()
    {
        if (_emr is null)
        {
            return;
        }

        await standins.ClearFaultsAsync();
        foreach (var chunk in _started.Chunk(10))
        {
            await Emr.TerminateJobFlowsAsync(new TerminateJobFlowsRequest { JobFlowIds = chunk }, CancellationToken.None);
        }

        foreach (var id in _started)
        {
            await WaitForStateAsync(id, EmrClusterState.IsFinal, "ended");
        }

        _emr.Dispose();
    }

    [Fact]
    public async Task SweepAsync_ExpiredLeaseOfThisDeployment_TerminatesAndLogsIt()
    {
        var id = await StartAsync(_deployment, "run-expired", lease: _t0.AddMinutes(-1));

        var terminated = await Reaper(At(_t0)).SweepAsync(Ct);

        var termination = Assert.Single(terminated);
        Assert.Equal(new ReaperTermination("run-expired", id, ReaperReason.LeaseExpired, termination.Message), termination);
        Assert.Contains("lease expired", termination.Message, StringComparison.Ordinal);
        await WaitForStateAsync(id, IsEnding, "terminating");
        Assert.Contains(_log.Entries, e => e.Id.Id == 2201 && e.Message.Contains(id, StringComparison.Ordinal) && e.Message.Contains("run-expired", StringComparison.Ordinal));
        Assert.Equal([("run-expired", termination.Message)], _runs.Notes);
    }

    [Fact]
    public async Task SweepAsync_AnotherDeploymentsExpiredCluster_IsUntouched()
    {
        var other = await StartAsync("other-" + _deployment, "run-other", lease: _t0.AddMinutes(-10));

        var terminated = await Reaper(At(_t0.AddMinutes(60))).SweepAsync(Ct);

        Assert.DoesNotContain(terminated, t => t.ClusterId == other);
        Assert.False(IsEnding(await StateAsync(other)));
        Assert.Empty(_runs.Asked);
    }

    [Fact]
    public async Task SweepAsync_NoDeploymentTag_IsUntouchedEvenExpiredAndOld()
    {
        var untagged = await StartAsync(deployment: null, "run-untagged", lease: _t0.AddMinutes(-10));

        var terminated = await Reaper(At(_t0.AddMinutes(60))).SweepAsync(Ct);

        Assert.DoesNotContain(terminated, t => t.ClusterId == untagged);
        Assert.False(IsEnding(await StateAsync(untagged)));
    }

    [Fact]
    public async Task SweepAsync_LiveRunWithAValidLease_IsUntouchedAfterTheGrace()
    {
        _runs.Set("run-live", RunPresence.Active);
        var live = await StartAsync(_deployment, "run-live", lease: _t0.AddMinutes(120));

        var terminated = await Reaper(At(_t0.AddMinutes(31))).SweepAsync(Ct);

        Assert.Empty(terminated);
        Assert.Equal(["run-live"], _runs.Asked);
        Assert.False(IsEnding(await StateAsync(live)));
    }

    [Fact]
    public async Task SweepAsync_FinishedRun_TerminatedAfterTheGraceNotBefore()
    {
        _runs.Set("run-done", RunPresence.Finished);
        var id = await StartAsync(_deployment, "run-done", lease: _t0.AddMinutes(120));

        var early = await Reaper(At(_t0.AddMinutes(5))).SweepAsync(Ct);

        Assert.Empty(early);
        Assert.Empty(_runs.Asked);
        Assert.False(IsEnding(await StateAsync(id)));

        var late = await Reaper(At(_t0.AddMinutes(31))).SweepAsync(Ct);

        var termination = Assert.Single(late);
        Assert.Equal((id, "run-done", ReaperReason.RunFinished), (termination.ClusterId, termination.RunId, termination.Reason));
        await WaitForStateAsync(id, IsEnding, "terminating");
        Assert.Equal("run-done", Assert.Single(_runs.Notes).RunId);
    }

    [Fact]
    public async Task SweepAsync_UnknownRunOrNoRunTag_TerminatedAfterTheGraceWithoutANote()
    {
        var unknown = await StartAsync(_deployment, "run-nobody-knows", lease: _t0.AddMinutes(120));
        var noRun = await StartAsync(_deployment, runId: null, lease: null);

        var terminated = await Reaper(At(_t0.AddMinutes(31))).SweepAsync(Ct);

        Assert.Equal(
            new HashSet<(string, string?, ReaperReason)> { (unknown, "run-nobody-knows", ReaperReason.RunUnknown), (noRun, null, ReaperReason.RunUnknown) },
            terminated.Select(t => (t.ClusterId, t.RunId, t.Reason)).ToHashSet());
        Assert.Contains("names no run", terminated.Single(t => t.ClusterId == noRun).Message, StringComparison.Ordinal);
        Assert.Contains("'run-nobody-knows'", terminated.Single(t => t.ClusterId == unknown).Message, StringComparison.Ordinal);
        await WaitForStateAsync(unknown, IsEnding, "terminating");
        await WaitForStateAsync(noRun, IsEnding, "terminating");
        Assert.Empty(_runs.Notes);
    }

    [Fact]
    public async Task SweepAsync_TagsUnreadable_SkipsThatClusterLogsItAndGoesOn()
    {
        var first = await StartAsync(_deployment, "run-a", lease: _t0.AddMinutes(-1));
        var second = await StartAsync(_deployment, "run-b", lease: _t0.AddMinutes(-1));
        await standins.ArmAsync("""{"throttle": {"count": 1, "operations": ["DescribeCluster"]}}""");
        using var noRetries = standins.Emr(retries: 0);

        var terminated = await Reaper(At(_t0), noRetries).SweepAsync(Ct);

        var termination = Assert.Single(terminated);
        var skipped = termination.ClusterId == first ? second : first;
        Assert.Contains(termination.ClusterId, new[] { first, second });
        Assert.Contains(_log.Entries, e => e.Id.Id == 2202 && e.Level == LogLevel.Warning && e.Message.Contains(skipped, StringComparison.Ordinal));
        Assert.False(IsEnding(await StateAsync(skipped)));
        await WaitForStateAsync(termination.ClusterId, IsEnding, "terminating");

        var next = await Reaper(At(_t0)).SweepAsync(Ct);

        Assert.Equal(skipped, Assert.Single(next).ClusterId);
    }

    [Fact]
    public async Task SweepAsync_MoreThanOnePage_TerminatesEveryExpiredCluster()
    {
        var ids = new List<string>();
        for (var i = 0; i < 55; i++)
        {
            ids.Add(await StartAsync(_deployment, $"run-page-{i}", lease: _t0.AddMinutes(-1)));
        }

        var firstPage = await Emr.ListClustersAsync(new ListClustersRequest { ClusterStates = EmrReaper.ActiveStates }, Ct);
        Assert.NotNull(firstPage.Marker);

        var terminated = await Reaper(At(_t0)).SweepAsync(Ct);

        Assert.Equal(ids.ToHashSet(), terminated.Select(t => t.ClusterId).ToHashSet());
        Assert.Equal(55, terminated.Count);
        Assert.All(terminated, t => Assert.Equal(ReaperReason.LeaseExpired, t.Reason));
    }

    [Fact]
    public async Task Service_SweepsAtStartThenEveryInterval_AndAFailedLookDoesNotStopIt()
    {
        var time = At(_t0);
        var serviceLog = new ListLogger<EmrReaperService>();
        var atStart = await StartAsync(_deployment, "run-start", lease: _t0.AddMinutes(-1));
        using var service = new EmrReaperService(Reaper(time), Options.Create(new EmrReaperOptions { IntervalMinutes = 5 }), time, serviceLog);

        await service.StartAsync(Ct);
        try
        {
            await WaitForStateAsync(atStart, IsEnding, "terminated by the look at start");
            var later = await StartAsync(_deployment, "run-later", lease: _t0.AddMinutes(-1));
            await Task.Delay(TimeSpan.FromSeconds(1), Ct);
            Assert.False(IsEnding(await StateAsync(later)), "no look should run before the interval has passed");

            await standins.ArmAsync("""{"throttle": {"count": 100, "operations": ["ListClusters"]}}""");
            time.Advance(TimeSpan.FromMinutes(5));
            await WaitForAsync(() => serviceLog.Entries.Any(e => e.Id.Id == 2212), "the failed look to be logged");
            await standins.ClearFaultsAsync();
            Assert.False(IsEnding(await StateAsync(later)));

            time.Advance(TimeSpan.FromMinutes(5));
            await WaitForStateAsync(later, IsEnding, "terminated by the look after the next interval");
            Assert.Equal(["run-start", "run-later"], _runs.Notes.Select(n => n.RunId));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Service_WithoutARunLookup_SaysTheReaperIsOff()
    {
        var serviceLog = new ListLogger<EmrReaperService>();
        using var service = new EmrReaperService(null, Options.Create(new EmrReaperOptions()), At(_t0), serviceLog);

        await service.StartAsync(Ct);
        await (service.ExecuteTask ?? Task.CompletedTask);

        Assert.Contains(serviceLog.Entries, e => e.Id.Id == 2211 && e.Message.Contains("reaper is off", StringComparison.Ordinal));
    }

    [Fact]
    public void AddOneOffAws_WithARunLookup_ResolvesTheReaperAndItsHostedService()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OneOff:DeploymentId"] = _deployment,
            ["OneOff:Aws:Region"] = "eu-west-1",
            ["OneOff:Aws:Bucket"] = "oneoff-data",
        }).Build();
        using var withLookup = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration)
            .AddSingleton<IRunLookup>(_runs).AddOneOffAws().BuildServiceProvider();
        using var without = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddOneOffAws().BuildServiceProvider();

        Assert.NotNull(withLookup.GetRequiredService<EmrReaper>());
        Assert.Single(withLookup.GetServices<IHostedService>().OfType<EmrReaperService>());
        Assert.Single(without.GetServices<IHostedService>().OfType<EmrReaperService>());
        Assert.Throws<InvalidOperationException>(() => without.GetRequiredService<EmrReaper>());
    }

    private static FakeTimeProvider At(DateTimeOffset now) => new(now);

    private static bool IsEnding(string? state) => state is EmrClusterState.Terminating || EmrClusterState.IsFinal(state);

    private EmrReaper Reaper(TimeProvider time, EmrClient? emr = null) => new(
        emr ?? Emr, _runs, Options.Create(new DeploymentOptions { DeploymentId = _deployment }),
        Options.Create(new EmrReaperOptions { OrphanGraceMinutes = 30 }), time, _log);

    /// <summary>A cluster with only a primary node, no steps, kept alive: it stays active until terminated.</summary>
    private async Task<string> StartAsync(string? deployment, string? runId, DateTimeOffset? lease)
    {
        var tags = new List<Tag>();
        if (deployment is not null)
        {
            tags.Add(new Tag { Key = EmrTags.Deployment, Value = deployment });
        }

        if (runId is not null)
        {
            tags.Add(new Tag { Key = EmrTags.RunId, Value = runId });
        }

        if (lease is { } expires)
        {
            tags.Add(new Tag { Key = EmrTags.LeaseExpires, Value = EmrTags.FormatTime(expires) });
        }

        var response = await Emr.RunJobFlowAsync(new RunJobFlowRequest
        {
            Name = $"oneoff {deployment} {runId}",
            LogUri = standins.LogUri,
            ReleaseLabel = "emr-7.13.0",
            Instances = new JobFlowInstancesConfig
            {
                InstanceGroups = [new InstanceGroupConfig { InstanceRole = "MASTER", InstanceType = "m7g.xlarge", InstanceCount = 1 }],
                KeepJobFlowAliveWhenNoSteps = true,
                TerminationProtected = false,
            },
            Applications = [new Application { Name = "Spark" }],
            JobFlowRole = "EMR_EC2_DefaultRole",
            ServiceRole = "EMR_DefaultRole_V2",
            Tags = tags,
        }, Ct);
        var id = response.JobFlowId ?? throw new InvalidOperationException("RunJobFlow returned no id.");
        _started.Add(id);
        return id;
    }

    private async Task<string?> StateAsync(string id) =>
        (await Emr.DescribeClusterAsync(new DescribeClusterRequest { ClusterId = id }, CancellationToken.None)).Cluster?.Status?.State;

    private async Task WaitForStateAsync(string id, Func<string?, bool> done, string what)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (15 * TimeProvider.System.TimestampFrequency);
        string? state;
        while (!done(state = await StateAsync(id)))
        {
            Assert.True(TimeProvider.System.GetTimestamp() < deadline, $"{id} was never {what}: still {state}");
            await Task.Delay(50, CancellationToken.None);
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (15 * TimeProvider.System.TimestampFrequency);
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetTimestamp() < deadline, $"timed out waiting for {what}");
            await Task.Delay(50, CancellationToken.None);
        }
    }

    /// <summary>The run store as the reaper sees it: a presence per run id, and what it was asked and told.</summary>
    private sealed class FakeRunLookup : IRunLookup
    {
        private readonly ConcurrentDictionary<string, RunPresence> _presence = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<string> _asked = new();
        private readonly ConcurrentQueue<(string RunId, string Note)> _notes = new();

        public IReadOnlyList<string> Asked => [.. _asked];

        public IReadOnlyList<(string RunId, string Note)> Notes => [.. _notes];

        public void Set(string runId, RunPresence presence) => _presence[runId] = presence;

        public Task<RunPresence> FindAsync(string runId, CancellationToken cancellationToken = default)
        {
            _asked.Enqueue(runId);
            return Task.FromResult(_presence.GetValueOrDefault(runId, RunPresence.Unknown));
        }

        public Task NoteAsync(string runId, string note, CancellationToken cancellationToken = default)
        {
            _notes.Enqueue((runId, note));
            return Task.CompletedTask;
        }
    }

    private sealed class ListLogger<T> : ILogger<T>
    {
        private readonly ConcurrentQueue<(LogLevel Level, EventId Id, string Message)> _entries = new();

        public IReadOnlyList<(LogLevel Level, EventId Id, string Message)> Entries => [.. _entries];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _entries.Enqueue((logLevel, eventId, formatter(state, exception)));
    }
}
