using System.Globalization;
using System.Text.Json;
using OneOff.Aws.Compute;
using OneOff.Aws.Tests.StandIns;
using OneOff.Core.Compute;
using OneOff.Core.Runs;
using OneOff.Testing;

namespace OneOff.Aws.Tests.Compute;

/// <summary>
/// <see cref="EmrPoller"/>, the one poller of an <see cref="EmrJobRunner"/>, on the EMR stand-in (whose
/// <c>/_calls</c> counts every EMR call it receives): three concurrent runs followed by one runner cost fewer EMR
/// calls per second than the same three runs followed by three runners (three loops, one per run, as each execution
/// polled before), and a throttled poll backs off every run at once, exponentially.
/// </summary>
[Collection(StandInsCollection.Name)]
public sealed class EmrPollerTests(StandInsFixture standins) : IAsyncLifetime
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);
    private static readonly string[] s_pollOperations = ["ListClusters", "DescribeCluster", "ListSteps"];
    private readonly EmrJobRunnerStand _stand = new(standins);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _stand.InitializeAsync();

    public ValueTask DisposeAsync() => _stand.DisposeAsync();

    [Fact]
    public async Task ThreeConcurrentRuns_OnePoller_MakeFewerEmrCallsPerSecondThanThreeLoops()
    {
        var shared = _stand.CreateRunner();
        var sharedCalls = await RunThreeAsync("poller-shared", _ => shared);
        var separateRunners = new[] { _stand.CreateRunner(), _stand.CreateRunner(), _stand.CreateRunner() };
        var separateCalls = await RunThreeAsync("poller-loops", i => separateRunners[i]);

        var sharedRate = PollCallsPerSecond(sharedCalls);
        var separateRate = PollCallsPerSecond(separateCalls);
        var detail = $"one poller: {Summary(sharedCalls)}; three loops: {Summary(separateCalls)}";
        TestContext.Current.TestOutputHelper?.WriteLine(detail);
        Assert.True(sharedRate < 0.8 * separateRate, detail);
        // The one poller describes each cluster once, when it has ended (the list gives the states until then).
        Assert.Equal(3, sharedCalls.Count(c => c.Operation == "DescribeCluster"));
        // Per tick the one poller lists once for all three; three loops list three times.
        Assert.True(Count(sharedCalls, "ListClusters") / Seconds(sharedCalls) < 0.6 * (Count(separateCalls, "ListClusters") / Seconds(separateCalls)), detail);
        Assert.Equal(0, shared.Followed);
        await WaitUntilAsync(() => !shared.IsPolling);
    }

    [Fact]
    public async Task Throttling_WhileFollowingThreeRuns_BacksOffEveryRunTogetherAndExponentially()
    {
        var runner = _stand.CreateRunner(retries: 0);
        var executions = new List<IJobExecution>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                executions.Add(await runner.StartAsync(new JobRequest(Parameters($"poller-throttle-{i}")), Ct));
            }

            await WaitUntilAsync(() => runner.Followed == 3);
            await ClearCallsAsync();
            await standins.ArmAsync("""{"throttle": {"count": 3, "operations": ["ListClusters"]}}""");
            var events = await Task.WhenAll(executions.Select(e => JobExecutions.ReadAllAsync(e, s_timeout, Ct)));
            var exits = await Task.WhenAll(executions.Select(e => e.Completion.WaitAsync(s_timeout, Ct)));
            var calls = await CallsAsync();

            Assert.All(exits, exit => Assert.Null(exit.Reason));
            Assert.All(events, e => Assert.IsType<JobPublished>(e[^1]));
            var throttled = calls.Where(c => c.Throttled).ToList();
            Assert.Equal(3, throttled.Count);
            Assert.All(throttled, c => Assert.Equal("ListClusters", c.Operation));
            var resumed = calls.First(c => c.Operation == "ListClusters" && !c.Throttled && c.Time > throttled[^1].Time);
            // While the account is throttled no run is polled at all: one back-off for all three.
            var during = calls.Where(c => c.Time > throttled[0].Time && c.Time < resumed.Time && s_pollOperations.Contains(c.Operation) && !c.Throttled).ToList();
            Assert.Empty(during);
            // Jittered exponential: at least 0.3, 0.6, then 1.2 s apart (PollSeconds 0.3 × 2^(n-1)), well above the 0.3 s tick.
            var gaps = new[] { throttled[1].Time - throttled[0].Time, throttled[2].Time - throttled[1].Time, resumed.Time - throttled[2].Time };
            var text = string.Join(", ", gaps.Select(g => g.ToString("0.00", CultureInfo.InvariantCulture)));
            TestContext.Current.TestOutputHelper?.WriteLine($"gaps between throttled polls: {text} s");
            Assert.True(gaps[0] >= 0.28 && gaps[1] >= 0.58 && gaps[2] >= 1.18, $"gaps between throttled polls: {text} s");
            Assert.True(gaps[2] > gaps[0], $"gaps between throttled polls: {text} s");
        }
        finally
        {
            foreach (var execution in executions)
            {
                await execution.DisposeAsync();
            }
        }
    }

    private static RunParameters Parameters(string runId) =>
        new() { RunId = runId, TrainSize = 200, TestSize = 100, HiddenSizes = [3, 5], MaxIter = 20 };

    /// <summary>Starts three runs (run i on <paramref name="runnerFor"/>(i)), follows them to published; the EMR calls meanwhile.</summary>
    private async Task<List<EmrCall>> RunThreeAsync(string prefix, Func<int, EmrJobRunner> runnerFor)
    {
        await ClearCallsAsync();
        var executions = new List<IJobExecution>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                executions.Add(await runnerFor(i).StartAsync(new JobRequest(Parameters($"{prefix}-{i}")), Ct));
            }

            var events = await Task.WhenAll(executions.Select(e => JobExecutions.ReadAllAsync(e, s_timeout, Ct)));
            var exits = await Task.WhenAll(executions.Select(e => e.Completion.WaitAsync(s_timeout, Ct)));
            Assert.All(exits, exit => Assert.Null(exit.Reason));
            Assert.All(events, e => Assert.Equal([3, 5], e.OfType<JobModelDone>().Select(m => m.NHidden).Order()));
            Assert.All(events, e => Assert.IsType<JobPublished>(e[^1]));
            return await CallsAsync();
        }
        finally
        {
            foreach (var execution in executions)
            {
                await execution.DisposeAsync();
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(20, limit.Token);
        }
    }

    private static double PollCallsPerSecond(List<EmrCall> calls) => calls.Count(c => s_pollOperations.Contains(c.Operation)) / Seconds(calls);

    /// <summary>From the first RunJobFlow to the last call: the time the runs were followed.</summary>
    private static double Seconds(List<EmrCall> calls) => calls[^1].Time - calls.First(c => c.Operation == "RunJobFlow").Time;

    private static double Count(List<EmrCall> calls, string operation) => calls.Count(c => c.Operation == operation);

    private static string Summary(List<EmrCall> calls) =>
        string.Create(CultureInfo.InvariantCulture, $"{PollCallsPerSecond(calls):0.0} poll calls/s over {Seconds(calls):0.0} s (")
        + string.Join(", ", calls.GroupBy(c => c.Operation).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}")) + ")";

    private async Task ClearCallsAsync()
    {
        using var http = new HttpClient();
        using var response = await http.DeleteAsync(new Uri(standins.EmrEndpoint, "/_calls"), Ct);
        response.EnsureSuccessStatusCode();
    }

    private async Task<List<EmrCall>> CallsAsync()
    {
        using var http = new HttpClient();
        using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri(standins.EmrEndpoint, "/_calls"), Ct));
        return [.. json.RootElement.GetProperty("calls").EnumerateArray().Select(c => new EmrCall(
            c.GetProperty("op").GetString() ?? "", c.GetProperty("t").GetDouble(), c.GetProperty("throttled").GetBoolean()))];
    }

    /// <summary>One EMR call the stand-in received: the operation, when (epoch seconds), whether it was throttled.</summary>
    private sealed record EmrCall(string Operation, double Time, bool Throttled);
}
