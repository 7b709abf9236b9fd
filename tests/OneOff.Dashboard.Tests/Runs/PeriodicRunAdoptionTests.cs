using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Configuration;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Runs;

/// <summary>
/// Runs published outside the dashboard while it runs are adopted every <c>OneOff:Runs:AdoptionIntervalSeconds</c>,
/// on the injected clock; 0 leaves it to the start and to "Look for new runs".
/// </summary>
public sealed class PeriodicRunAdoptionTests : IDisposable
{
    private const string First = "20260301-120000-cli1";
    private const string Second = "20260301-120500-cli2";
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Interval_RunPublishedWhileRunning_IsAdoptedAtTheNextTickAndEachTickAfter()
    {
        await using var runs = await new RunsHarness(_folder.Path, _time, new ScriptedJobRunner(_time)).StartAsync();
        using var periodic = Periodic(runs, seconds: 60);
        await periodic.StartAsync(TestContext.Current.CancellationToken);
        await RunAdoptionTests.UntilStartPassEndedAsync(runs.Get<RunAdoption>());
        await TestRuns.WriteAsync(RunsHarness.ObjectsOf(_folder.Path).Root, First, hidden: [3]);

        _time.Advance(TimeSpan.FromSeconds(59));
        var beforeTick = await runs.Runs.GetAsync(First, TestContext.Current.CancellationToken);
        var passesBeforeTick = runs.Get<RunAdoption>().PassesEnded;
        _time.Advance(TimeSpan.FromSeconds(1));
        var adopted = await runs.StateAsync(First, RunState.Succeeded);
        await TestRuns.WriteAsync(RunsHarness.ObjectsOf(_folder.Path).Root, Second, hidden: [3]);
        _time.Advance(TimeSpan.FromSeconds(60));
        var second = await runs.StateAsync(Second, RunState.Succeeded);
        await periodic.StopAsync(TestContext.Current.CancellationToken);

        Assert.Null(beforeTick);
        Assert.Equal(1, passesBeforeTick);
        Assert.Equal(RunRecord.OutsideTheDashboard, adopted.CreatedBy);
        Assert.Equal(RunRecord.OutsideTheDashboard, second.CreatedBy);
        Assert.Equal([Second, First], (await runs.Runs.ListAsync(TestContext.Current.CancellationToken)).Select(r => r.Id));
    }

    [Fact]
    public async Task Interval0_NoTimer_TheRunWaitsForLookForNewRuns()
    {
        await using var runs = await new RunsHarness(_folder.Path, _time, new ScriptedJobRunner(_time)).StartAsync();
        using var periodic = Periodic(runs, seconds: 0);
        await periodic.StartAsync(TestContext.Current.CancellationToken);
        await RunAdoptionTests.UntilStartPassEndedAsync(runs.Get<RunAdoption>());
        await TestRuns.WriteAsync(RunsHarness.ObjectsOf(_folder.Path).Root, First, hidden: [3]);

        // Two days: a signed-in session would have ended meanwhile, so the Operator signs in afresh below.
        _time.Advance(TimeSpan.FromDays(2));
        var ended = periodic.ExecuteTask?.IsCompletedSuccessfully;
        var untouched = await runs.Runs.GetAsync(First, TestContext.Current.CancellationToken);
        var looked = await runs.Get<RunAdoption>().LookForNewRunsAsync(await runs.OperatorAsync(), TestContext.Current.CancellationToken);

        Assert.True(ended);
        Assert.Null(untouched);
        Assert.Equal("Found 1 run published outside the dashboard.", looked.Message);
        Assert.Equal(RunRecord.OutsideTheDashboard, (await runs.StoredAsync(First)).CreatedBy);
    }

    [Fact]
    public async Task Interval_StoreFailsOnce_LogsAndTheNextTickAdopts()
    {
        await using var runs = await new RunsHarness(_folder.Path, _time, new ScriptedJobRunner(_time)).StartAsync();
        var failing = new FailingOnceStore(RunsHarness.ObjectsOf(_folder.Path));
        using var adoption = new RunAdoption(runs.Store, failing, runs.Get<UserStandings>(), NullLogger<RunAdoption>.Instance);
        using var periodic = new PeriodicRunAdoption(adoption, Options.Create(new RunsOptions { AdoptionIntervalSeconds = 30 }), _time, NullLogger<PeriodicRunAdoption>.Instance);
        await periodic.StartAsync(TestContext.Current.CancellationToken);
        await RunAdoptionTests.UntilStartPassEndedAsync(runs.Get<RunAdoption>());
        await TestRuns.WriteAsync(RunsHarness.ObjectsOf(_folder.Path).Root, First, hidden: [3]);

        _time.Advance(TimeSpan.FromSeconds(30));
        await failing.Failed.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        var afterFailure = await runs.Runs.GetAsync(First, TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromSeconds(30));
        var adopted = await runs.StateAsync(First, RunState.Succeeded);

        Assert.Null(afterFailure);
        Assert.False(periodic.ExecuteTask?.IsCompleted);
        Assert.Equal(RunRecord.OutsideTheDashboard, adopted.CreatedBy);
        await periodic.StopAsync(TestContext.Current.CancellationToken);
    }

    public void Dispose() => _folder.Dispose();

    private PeriodicRunAdoption Periodic(RunsHarness runs, int seconds) =>
        new(runs.Get<RunAdoption>(), Options.Create(new RunsOptions { AdoptionIntervalSeconds = seconds }), _time, NullLogger<PeriodicRunAdoption>.Instance);

    /// <summary>A folder store whose first listing fails as a store that cannot be reached for a moment does.</summary>
    private sealed class FailingOnceStore(Core.Storage.FolderObjectStore inner) : Core.Storage.IObjectStore
    {
        private int _listings;

        public TaskCompletionSource Failed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Root => inner.Root;

        public async IAsyncEnumerable<string> ListAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _listings) == 1)
            {
                Failed.TrySetResult();
                throw new IOException("The store cannot be reached.");
            }

            await foreach (var key in inner.ListAsync(prefix, cancellationToken))
            {
                yield return key;
            }
        }

        public Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) => inner.PutAsync(key, content, cancellationToken);

        public Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default) => inner.PutAsync(key, content, cancellationToken);

        public Task<byte[]> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

        public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => inner.ExistsAsync(key, cancellationToken);

        public Task<long> SizeOfPrefixAsync(string prefix, CancellationToken cancellationToken = default) => inner.SizeOfPrefixAsync(prefix, cancellationToken);

        public Task<int> DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default) => inner.DeletePrefixAsync(prefix, cancellationToken);
    }
}
