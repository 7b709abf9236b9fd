using Microsoft.Extensions.Time.Testing;
using OneOff.Core.Runs;
using OneOff.Core.Storage;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Runs;

/// <summary>A follower through long, EMR-like phases of a <see cref="ScriptedJobRunner"/> job, on fake time.</summary>
public sealed class RunFollowerTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Follow_StartingForEightMinutesThenThreeSizesThenFailed_StaysStartingThenEndsFailedWithTheJobsMessage()
    {
        var runner = new ScriptedJobRunner(_time).Enqueue(new JobScript()
            .Wait(TimeSpan.FromMinutes(8)).Started()
            .Wait(TimeSpan.FromSeconds(30)).SizeDone(3)
            .Wait(TimeSpan.FromSeconds(30)).SizeDone(5)
            .Wait(TimeSpan.FromSeconds(30)).SizeDone(7)
            .Fails("step publish failed: the bucket refused the manifest")
            .Exits(1, "step publish failed (exit 1)"));
        await using var runs = await new RunsHarness(_folder.Path, _time, runner).StartAsync();
        var id = await runs.SubmitAsync();
        await runner.WhenStartedAsync(id);
        await runs.UntilAsync(id, r => r.State == RunState.Starting);

        _time.Advance(TimeSpan.FromMinutes(8) - TimeSpan.FromSeconds(1));
        var stillStarting = await runs.StoredAsync(id);
        _time.Advance(TimeSpan.FromSeconds(1));
        await runs.StateAsync(id, RunState.Running);
        _time.Advance(TimeSpan.FromSeconds(90));
        var failed = await runs.StateAsync(id, RunState.Failed, RunState.Succeeded, RunState.Cancelled);

        Assert.Equal(RunState.Starting, stillStarting.State);
        Assert.Equal(RunState.Failed, failed.State);
        Assert.Equal("step publish failed: the bucket refused the manifest", failed.Error);
        Assert.Equal(3, failed.SizesDone);
        Assert.Equal(_time.GetUtcNow().UtcDateTime, failed.FinishedUtc);
        Assert.Equal(TimeSpan.FromMinutes(9.5), failed.Duration(_time.GetUtcNow().UtcDateTime));
    }

    [Theory]
    [InlineData("step train failed: bootstrap action 1 returned 2", "step train failed: bootstrap action 1 returned 2")]
    [InlineData(null, RunFollower.EndedWithoutPublishing)]
    public async Task Follow_JobEndsWithoutFailedEvent_TheRunnersReasonOrInterrupted(string? reason, string expected)
    {
        var runner = new ScriptedJobRunner(_time).Enqueue(new JobScript().Started().Exits(reason is null ? 0 : 1, reason));
        await using var runs = await new RunsHarness(_folder.Path, _time, runner).StartAsync();
        var id = await runs.SubmitAsync();

        var failed = await runs.StateAsync(id, RunState.Failed, RunState.Succeeded);

        Assert.Equal(expected, failed.Error);
    }

    [Fact]
    public async Task Follow_PhaseEvents_AreShownWhileTheRunIsActiveAndGoneOnceItEnded()
    {
        var runner = new ScriptedJobRunner(_time).Enqueue(new JobScript()
            .Phase("provisioning").Wait(TimeSpan.FromMinutes(1))
            .Started().Phase("training: 1 of 3 sizes done").Wait(TimeSpan.FromMinutes(1))
            .Exits(1, "step train failed"));
        await using var runs = await new RunsHarness(_folder.Path, _time, runner).StartAsync();
        var id = await runs.SubmitAsync();
        await runner.WhenStartedAsync(id);

        var provisioning = await runs.UntilAsync(id, r => r.Phase == "provisioning");
        var stored = await runs.StoredAsync(id);
        _time.Advance(TimeSpan.FromMinutes(1));
        var training = await runs.UntilAsync(id, r => r.Phase == "training: 1 of 3 sizes done");
        _time.Advance(TimeSpan.FromMinutes(1));
        var failed = await runs.StateAsync(id, RunState.Failed);

        Assert.Equal(RunState.Starting, provisioning.State);
        // The runner is told who started the run (an EMR cluster carries it as its oneoff:user tag).
        Assert.Equal(provisioning.CreatedBy, Assert.Single(runner.Requests).User);
        Assert.Equal(id, runner.Requests[0].SubmissionKey);
        Assert.Equal("provisioning", stored.Phase);
        Assert.Equal(RunState.Running, training.State);
        Assert.Null(failed.Phase);
    }

    [Fact]
    public async Task Follow_JobFailsToStart_EndsFailedWithTheRunnersMessage()
    {
        var runner = new ScriptedJobRunner(_time).Enqueue(new JobScript().FailsToStart("no capacity for m7g.xlarge"));
        await using var runs = await new RunsHarness(_folder.Path, _time, runner).StartAsync();
        var id = await runs.SubmitAsync();

        var failed = await runs.StateAsync(id, RunState.Failed);

        Assert.Equal("no capacity for m7g.xlarge", failed.Error);
    }

    [Fact]
    public async Task Follow_IterationEveryHalfSecond_SavesProgressAtMostEveryPersistEveryButShowsEachLive()
    {
        var script = new JobScript().Started();
        for (var i = 1; i <= 20; i++)
        {
            script.Wait(TimeSpan.FromMilliseconds(500)).Iteration(3, i, 1.0 / i);
        }

        var runner = new ScriptedJobRunner(_time).Enqueue(script.Wait(TimeSpan.FromHours(1)));
        await using var runs = await new RunsHarness(_folder.Path, _time, runner).StartAsync();
        var id = await runs.SubmitAsync();
        await runner.WhenStartedAsync(id);
        await runs.StateAsync(id, RunState.Running);
        var savedIterations = new SortedSet<int>();

        for (var i = 1; i <= 20; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(500));
            await runs.UntilAsync(id, r => r.Sizes[0].Iteration == i);
            savedIterations.Add((await runs.StoredAsync(id)).Sizes[0].Iteration);
        }

        // Iteration k comes at k × 0.5 s of fake time: saved iterations at least 4 apart were saved at least 2 s apart.
        savedIterations.Remove(0);
        Assert.InRange(savedIterations.Count, 3, 5);
        Assert.All(savedIterations.Zip(savedIterations.Skip(1)), pair =>
            Assert.True(TimeSpan.FromMilliseconds(500 * (pair.Second - pair.First)) >= RunFollower.PersistEvery, $"iterations {pair.First} and {pair.Second} were both saved"));
        Assert.Equal(20, (await runs.Runs.GetAsync(id, TestContext.Current.CancellationToken))?.Sizes[0].Iteration);
    }

    [Fact]
    public async Task Follow_JobPublishes_EndsSucceededWithTheManifestsBestN()
    {
        var runner = new ScriptedJobRunner(_time);
        await using var runs = await new RunsHarness(_folder.Path, _time, runner).StartAsync();
        runner.Enqueue(new JobScript().Started().SizeDone(3).SizeDone(5).SizeDone(7).Publishes(ManifestWriter(runs.Objects, _time, best: 5)).Exits());
        var id = await runs.SubmitAsync();

        var done = await runs.StateAsync(id, RunState.Succeeded, RunState.Failed);

        Assert.Equal(RunState.Succeeded, done.State);
        Assert.Equal(5, done.BestNHidden);
        Assert.All(done.Sizes, s => Assert.True(s.Done && s.Metrics is not null));
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>What the job's publish step does, as far as the follower looks: the manifest, written last.</summary>
    internal static Func<string, CancellationToken, Task> ManifestWriter(IObjectStore store, TimeProvider time, int best) => (runId, ct) =>
    {
        var parameters = ManifestParameters.From(new RunParameters { RunId = runId, HiddenSizes = [3, 5, 7] });
        var manifest = new RunManifest(RunManifest.CurrentSchema, runId, "scripted", time.GetUtcNow(), parameters,
            [.. parameters.HiddenSizes.Select(n => new ModelMetrics(n, 1, 0.9, n == best ? 0.99 : 0.5, 10, 0.1, 0.5, StopReason.Converged))],
            best, new ManifestRows(300, 100, 4), new ManifestTimings(0.1, 0.2, 0.1, 0.4));
        return store.PutAsync(RunKeys.Manifest(runId), manifest.ToJson(), ct);
    };
}
