using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OneOff.Core.Runs;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Runs;

/// <summary>A published run found in the store with no record is adopted, once (ARCHITECTURE "Runs and restarts").</summary>
public sealed class RunAdoptionTests : IDisposable
{
    private const string FromCli = "20260101-000000-cli1";
    private const string Unpublished = "20260101-000000-open";
    private const string Damaged = "20260101-000000-bad1";
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Start_PublishedRunWithoutRecord_IsAdoptedSucceededFromOutsideWithItsManifest()
    {
        var root = RunsHarness.ObjectsOf(_folder.Path).Root;
        await TestRuns.WriteAsync(root, FromCli, hidden: [3, 6]);
        await TestRuns.WriteAsync(root, Unpublished, publish: false, hidden: [3]);
        await RunsHarness.ObjectsOf(_folder.Path).PutAsync(RunKeys.Manifest(Damaged), "{}"u8.ToArray(), TestContext.Current.CancellationToken);
        var manifest = RunManifest.Parse(await File.ReadAllBytesAsync(Path.Combine(root, RunKeys.Manifest(FromCli)), TestContext.Current.CancellationToken));

        await using var runs = await new RunsHarness(_folder.Path, _time, new ScriptedJobRunner(_time)).StartAsync();
        var adopted = await runs.StateAsync(FromCli, RunState.Succeeded);

        Assert.Equal(RunRecord.OutsideTheDashboard, adopted.CreatedBy);
        Assert.Equal(manifest.BestNHidden, adopted.BestNHidden);
        Assert.Equal([3, 6], adopted.Sizes.Select(s => s.NHidden));
        Assert.All(adopted.Sizes, s => Assert.True(s.Done && s.Metrics is not null));
        Assert.Equal(manifest.Parameters.TrainSize, adopted.Parameters.TrainSize);
        Assert.Null(adopted.Damaged);
        Assert.Null(await runs.Runs.GetAsync(Unpublished, TestContext.Current.CancellationToken));
        Assert.Null(await runs.Runs.GetAsync(Damaged, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Start_Again_AdoptsNothingTwice()
    {
        await TestRuns.WriteAsync(RunsHarness.ObjectsOf(_folder.Path).Root, FromCli, hidden: [3]);
        await using (var first = await new RunsHarness(_folder.Path, _time, new ScriptedJobRunner(_time)).StartAsync())
        {
            await first.StateAsync(FromCli, RunState.Succeeded);
        }

        await using var second = await new RunsHarness(_folder.Path, _time, new ScriptedJobRunner(_time)).StartAsync();
        var adoptedAgain = await second.Get<RunAdoption>().AdoptAsync(TestContext.Current.CancellationToken);

        Assert.Empty(adoptedAgain);
        Assert.Single(await second.Runs.ListAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AdoptAsync_ConcurrentPassesWithAndWithoutTheGate_AdoptEachRunOnce()
    {
        await using var runs = await new RunsHarness(_folder.Path, _time, new ScriptedJobRunner(_time)).StartAsync();
        await UntilStartPassEndedAsync(runs.Get<RunAdoption>());
        string[] published = ["20260101-000000-par1", "20260101-000000-par2", "20260101-000000-par3"];
        foreach (var id in published)
        {
            await TestRuns.WriteAsync(RunsHarness.ObjectsOf(_folder.Path).Root, id, hidden: [3]);
        }

        var changes = new System.Collections.Concurrent.ConcurrentBag<string>();
        runs.Runs.RunChanged += change => changes.Add(change.RunId);
        var shared = runs.Get<RunAdoption>();
        // Two passes share the gate; two more are other instances (no shared gate): only the store's add-if-absent keeps them apart.
        using var other1 = new RunAdoption(runs.Store, runs.Objects, runs.Get<UserStandings>(), NullLogger<RunAdoption>.Instance);
        using var other2 = new RunAdoption(runs.Store, runs.Objects, runs.Get<UserStandings>(), NullLogger<RunAdoption>.Instance);
        RunAdoption[] passes = [shared, other1, shared, other2];
        var results = await Task.WhenAll(passes.Select(a => Task.Run(() => a.AdoptAsync(TestContext.Current.CancellationToken), TestContext.Current.CancellationToken)));

        Assert.Equal(published, results.SelectMany(r => r).Order(StringComparer.Ordinal));
        Assert.Equal(published, (await runs.Runs.ListAsync(TestContext.Current.CancellationToken)).Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.Equal(published, changes.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AdoptAsync_DamagedManifestSeenAgain_IsLoggedOnceAndNeverAdopted()
    {
        var logs = new CapturedLogs();
        await using var runs = await new RunsHarness(_folder.Path, _time, new ScriptedJobRunner(_time)).StartAsync();
        await RunsHarness.ObjectsOf(_folder.Path).PutAsync(RunKeys.Manifest(Damaged), "not json"u8.ToArray(), TestContext.Current.CancellationToken);
        using var adoption = new RunAdoption(runs.Store, runs.Objects, runs.Get<UserStandings>(), new Logger<RunAdoption>(new LoggerFactory([logs])));

        var first = await adoption.AdoptAsync(TestContext.Current.CancellationToken);
        var second = await adoption.AdoptAsync(TestContext.Current.CancellationToken);

        Assert.Empty(first);
        Assert.Empty(second);
        Assert.Null(await runs.Runs.GetAsync(Damaged, TestContext.Current.CancellationToken));
        var warning = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains(Damaged, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdoptAsync_SucceededRunLosesItsManifest_IsMarkedDamagedInTheListAndUnmarkedWhenItIsBack()
    {
        var root = RunsHarness.ObjectsOf(_folder.Path).Root;
        await TestRuns.WriteAsync(root, FromCli, hidden: [3]);
        await using var runs = await new RunsHarness(_folder.Path, _time, new ScriptedJobRunner(_time)).StartAsync();
        await runs.StateAsync(FromCli, RunState.Succeeded);
        var adoption = runs.Get<RunAdoption>();
        await UntilStartPassEndedAsync(adoption);
        var manifestPath = Path.Combine(root, RunKeys.Manifest(FromCli));
        var manifest = await File.ReadAllBytesAsync(manifestPath, TestContext.Current.CancellationToken);
        File.Delete(manifestPath);

        await adoption.AdoptAsync(TestContext.Current.CancellationToken);
        var marked = await runs.Runs.GetAsync(FromCli, TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(manifestPath, manifest, TestContext.Current.CancellationToken);
        await adoption.AdoptAsync(TestContext.Current.CancellationToken);
        var whole = await runs.Runs.GetAsync(FromCli, TestContext.Current.CancellationToken);

        Assert.Equal(RunState.Succeeded, marked!.State);
        Assert.Equal("This run's outputs are damaged: its manifest is missing, so none of its results can be read.", marked.OutputsDamaged);
        Assert.Null(whole!.OutputsDamaged);
    }

    [Theory]
    [InlineData(0, "No new runs.")]
    [InlineData(1, "Found 1 run published outside the dashboard.")]
    [InlineData(2, "Found 2 runs published outside the dashboard.")]
    public void Message_AdoptedCount_SaysWhatWasFound(int count, string expected) =>
        Assert.Equal(expected, new AdoptionResult([.. Enumerable.Range(0, count).Select(i => $"run{i}")], null).Message);

    [Theory]
    [InlineData("runs/20260101-000000-cli1/_manifest.json", "20260101-000000-cli1")]
    [InlineData("runs/20260101-000000-cli1/train/part-0.parquet", null)]
    [InlineData("runs/_manifest.json", null)]
    [InlineData("runs/a/b/_manifest.json", null)]
    [InlineData("runs/Bad_Id/_manifest.json", null)]
    public void RunIdOfManifest_OnlyARunsOwnManifest(string key, string? expected) =>
        Assert.Equal(expected, RunAdoption.RunIdOfManifest(key));

    public void Dispose() => _folder.Dispose();

    /// <summary>Waits until the look at start has ended, so that what is published next is for the pass under test.</summary>
    internal static async Task UntilStartPassEndedAsync(RunAdoption adoption)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (adoption.PassesEnded == 0)
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
