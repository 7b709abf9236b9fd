using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OneOff.Core.Compute;
using OneOff.Core.Runs;
using OneOff.Dashboard.Data;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Runs;

/// <summary>The scheduler with <see cref="ScriptedJobRunner"/> jobs on fake time: the queue, cancel, and restarts.</summary>
public sealed class RunSchedulerTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Dispatch_MaxConcurrentOne_HoldsTheSecondRunQueuedUntilTheFirstEnds()
    {
        var runner = new ScriptedJobRunner(_time)
            .Enqueue(new JobScript().Started().Wait(TimeSpan.FromMinutes(10)).Exits(1, "first ended"))
            .Enqueue(new JobScript().Started().Exits(1, "second ended"));
        await using var runs = await new RunsHarness(_folder.Path, _time, runner, maxConcurrent: 1).StartAsync();
        var first = await runs.SubmitAsync();
        var second = await runs.SubmitAsync();
        await runs.StateAsync(first, RunState.Running);

        var waiting = await runs.StoredAsync(second);
        var startedWhileWaiting = runner.Requests.Count;
        _time.Advance(TimeSpan.FromMinutes(10));
        await runs.StateAsync(first, RunState.Failed);
        var secondDone = await runs.StateAsync(second, RunState.Failed);

        Assert.Equal(RunState.Queued, waiting.State);
        Assert.Equal(1, startedWhileWaiting);
        Assert.Equal("second ended", secondDone.Error);
        Assert.Equal([first, second], runner.Requests.Select(r => r.RunId));
    }

    [Fact]
    public async Task Cancel_DuringEightMinutesOfStarting_StopsTheJobAndEndsCancelledWithNothingKept()
    {
        var runner = new ScriptedJobRunner(_time).Enqueue(new JobScript().Wait(TimeSpan.FromMinutes(8)).Started().Exits());
        await using var runs = await new RunsHarness(_folder.Path, _time, runner).StartAsync();
        var id = await runs.SubmitAsync();
        var job = await runner.WhenStartedAsync(id);
        await runs.StateAsync(id, RunState.Starting);
        await runs.Objects.PutAsync(RunKeys.Run(id) + "data/part-0.parquet", new byte[] { 1, 2, 3 }, TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromMinutes(2));

        var result = await runs.Commands.CancelAsync(runs.Operator, id, TestContext.Current.CancellationToken);
        var cancelled = await runs.StateAsync(id, RunState.Cancelled, RunState.Failed, RunState.Succeeded);

        Assert.True(result.Succeeded, result.Refusal);
        Assert.Equal(RunState.Cancelled, cancelled.State);
        Assert.True(job.Cancelled);
        Assert.False(await runs.Objects.ExistsAsync(RunKeys.Run(id) + "data/part-0.parquet", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Cancel_QueuedBehindAnotherRun_EndsCancelledAndNeverStarts()
    {
        var runner = new ScriptedJobRunner(_time).Enqueue(new JobScript().Started().Wait(TimeSpan.FromMinutes(10)).Exits(1, "done"));
        await using var runs = await new RunsHarness(_folder.Path, _time, runner).StartAsync();
        var first = await runs.SubmitAsync();
        var second = await runs.SubmitAsync();
        await runs.StateAsync(first, RunState.Running);

        var result = await runs.Commands.CancelAsync(runs.Operator, second, TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromMinutes(10));
        await runs.StateAsync(first, RunState.Failed);
        var cancelled = await runs.StoredAsync(second);

        Assert.True(result.Succeeded, result.Refusal);
        Assert.Equal(RunState.Cancelled, cancelled.State);
        Assert.Null(cancelled.StartedUtc);
        Assert.Equal([first], runner.Requests.Select(r => r.RunId));
    }

    [Fact]
    public async Task Restart_JobStillPlaying_ReattachesByHandleAndFollowsItToSucceeded()
    {
        var runner = new ScriptedJobRunner(_time);
        string id;
        await using (var before = await new RunsHarness(_folder.Path, _time, runner).StartAsync())
        {
            runner.Enqueue(new JobScript().Started().Wait(TimeSpan.FromMinutes(30)).SizeDone(3).SizeDone(5).SizeDone(7)
                .Publishes(RunFollowerTests.ManifestWriter(RunsHarness.ObjectsOf(_folder.Path), _time, best: 7)).Exits());
            id = await before.SubmitAsync();
            await before.StateAsync(id, RunState.Running);
        }

        await using var after = await new RunsHarness(_folder.Path, _time, runner).StartAsync();
        await after.UntilFollowedAsync(id);
        var reattached = await after.StoredAsync(id);
        _time.Advance(TimeSpan.FromMinutes(30));
        var done = await after.StateAsync(id, RunState.Succeeded, RunState.Failed);

        Assert.Equal(RunState.Running, reattached.State);
        Assert.True(done.State == RunState.Succeeded, done.Error);
        Assert.Equal(7, done.BestNHidden);
        Assert.Single(runner.Requests);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Restart_JobGone_FailsInterrupted(bool killedWhileAway)
    {
        var runner = new ScriptedJobRunner(_time);
        string id;
        await using (var before = await new RunsHarness(_folder.Path, _time, runner).StartAsync())
        {
            runner.Enqueue(new JobScript().Wait(TimeSpan.FromMinutes(8)).Started().Wait(TimeSpan.FromHours(1)));
            id = await before.SubmitAsync();
            var job = await runner.WhenStartedAsync(id);
            await before.UntilAsync(id, r => r.State == RunState.Starting);
            while (await before.Store.FindHandleAsync(id, TestContext.Current.CancellationToken) is null)
            {
                await Task.Delay(10, TestContext.Current.CancellationToken);
            }

            if (killedWhileAway)
            {
                await runner.Kill(job.Handle);
            }
        }

        // A runner that never started the job (another machine, or its handle is foreign) cannot attach either.
        var afterRunner = killedWhileAway ? runner : new ScriptedJobRunner(_time);
        await using var after = await new RunsHarness(_folder.Path, _time, afterRunner).StartAsync();
        var failed = await after.StateAsync(id, RunState.Failed, RunState.Succeeded, RunState.Running);

        Assert.Equal(RunState.Failed, failed.State);
        Assert.StartsWith("interrupted", failed.Error, StringComparison.Ordinal);
        Assert.Null(await afterRunner.AttachAsync(id, new JobHandle("local", "1@2"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Restart_StoppedBetweenTheStartAndSavingItsHandle_FindsTheJobByItsSubmissionAndFinishes()
    {
        var runner = new ScriptedJobRunner(_time);
        string id;
        await using (var before = await new RunsHarness(_folder.Path, _time, runner).StartAsync())
        {
            runner.Enqueue(new JobScript().Wait(TimeSpan.FromMinutes(8)).Started().SizeDone(3).SizeDone(5).SizeDone(7)
                .Publishes(RunFollowerTests.ManifestWriter(RunsHarness.ObjectsOf(_folder.Path), _time, best: 5)).Exits());
            id = await before.SubmitAsync();
            await runner.WhenStartedAsync(id);
            await before.UntilAsync(id, r => r.State == RunState.Starting);
            while (await before.Store.FindHandleAsync(id, TestContext.Current.CancellationToken) is null)
            {
                await Task.Delay(10, TestContext.Current.CancellationToken);
            }
        }

        // The crash window: RunJobFlow answered, the dashboard died before the record kept the cluster id.
        await ForgetHandleAsync(id);
        await using var after = await new RunsHarness(_folder.Path, _time, runner).StartAsync();
        await after.UntilFollowedAsync(id);
        var handle = await after.Store.FindHandleAsync(id, TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromMinutes(8));
        var done = await after.StateAsync(id, RunState.Succeeded, RunState.Failed);

        Assert.True(done.State == RunState.Succeeded, done.Error);
        Assert.Equal(5, done.BestNHidden);
        Assert.NotNull(handle);
        Assert.Single(runner.Requests);
    }

    [Fact]
    public async Task Restart_StoppedBeforeSavingItsHandleAndTheRunnerCannotTell_FailsSayingSo()
    {
        var runner = new ScriptedJobRunner(_time);
        string id;
        await using (var before = await new RunsHarness(_folder.Path, _time, runner).StartAsync())
        {
            runner.Enqueue(new JobScript().Wait(TimeSpan.FromHours(1)));
            id = await before.SubmitAsync();
            await runner.WhenStartedAsync(id);
            await before.UntilAsync(id, r => r.State == RunState.Starting);
        }

        await ForgetHandleAsync(id);
        runner.FindStartedFailure = "EMR did not answer ListClusters (ThrottlingException)";
        await using var after = await new RunsHarness(_folder.Path, _time, runner).StartAsync();
        var failed = await after.StateAsync(id, RunState.Failed, RunState.Running, RunState.Succeeded);

        Assert.Equal(RunState.Failed, failed.State);
        Assert.Equal("interrupted: the dashboard stopped while the job was starting, and looking for it failed: EMR did not answer ListClusters (ThrottlingException)", failed.Error);
    }

    /// <summary>Clears the run's saved handle, as if the control plane had stopped before saving it.</summary>
    private async Task ForgetHandleAsync(string runId)
    {
        var options = new DbContextOptionsBuilder<DashboardDbContext>()
            .UseSqlite($"Data Source={Path.Combine(_folder.Path, "oneoff.db")};Pooling=False").Options;
        await using var db = new DashboardDbContext(options);
        var changed = await db.Database.ExecuteSqlAsync($"UPDATE Runs SET RunnerHandle = NULL WHERE Id = {runId}", TestContext.Current.CancellationToken);
        Assert.Equal(1, changed);
    }

    public void Dispose() => _folder.Dispose();
}
