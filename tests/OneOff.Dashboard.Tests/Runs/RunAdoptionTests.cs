using Microsoft.Extensions.Time.Testing;
using OneOff.Core.Runs;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Runs;

/// <summary>A published run found in the store with no record is adopted at start (ARCHITECTURE "Runs and restarts").</summary>
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

    [Theory]
    [InlineData("runs/20260101-000000-cli1/_manifest.json", "20260101-000000-cli1")]
    [InlineData("runs/20260101-000000-cli1/train/part-0.parquet", null)]
    [InlineData("runs/_manifest.json", null)]
    [InlineData("runs/a/b/_manifest.json", null)]
    [InlineData("runs/Bad_Id/_manifest.json", null)]
    public void RunIdOfManifest_OnlyARunsOwnManifest(string key, string? expected) =>
        Assert.Equal(expected, RunAdoption.RunIdOfManifest(key));

    public void Dispose() => _folder.Dispose();
}
