using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Runs;

public sealed class RunCommandsTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private DashboardApp App => fixture.App;

    [Fact]
    public async Task SubmitCancelDelete_Viewer_AreRefusedAndChangeNothing()
    {
        await App.CreateUserAsync("viewer-c", DashboardRoles.Viewer);
        await App.CreateUserAsync("operator-c", DashboardRoles.Operator);
        var viewer = await App.PrincipalAsync("viewer-c");
        var operatorUser = await App.PrincipalAsync("operator-c");
        var before = (await App.Runs.ListAsync(TestContext.Current.CancellationToken)).Count;

        var submitted = await App.Commands.SubmitAsync(viewer, RunForms.Small(), RunForms.Key(), TestContext.Current.CancellationToken);
        var run = (await App.Commands.SubmitAsync(operatorUser, RunForms.Small(), RunForms.Key(), TestContext.Current.CancellationToken)).Run!;
        var cancelled = await App.Commands.CancelAsync(viewer, run.Id, TestContext.Current.CancellationToken);
        await RunWaits.StateAsync(App.Runs, run.Id, RunState.Succeeded);
        var deleted = await App.Commands.DeleteAsync(viewer, run.Id, TestContext.Current.CancellationToken);

        Assert.Null(submitted.Run);
        Assert.Equal("Only Operators can start runs.", submitted.Refusal);
        Assert.False(cancelled.Succeeded);
        Assert.False(deleted.Succeeded);
        Assert.Equal(before + 1, (await App.Runs.ListAsync(TestContext.Current.CancellationToken)).Count);
        Assert.True(File.Exists(Path.Combine(App.DataRoot, "runs", run.Id, "_manifest.json")));
    }

    [Fact]
    public async Task Submit_SmallRun_GoesFromQueuedThroughRunningToSucceeded()
    {
        var user = await App.PrincipalAsync("admin");
        var states = new List<RunState>();
        string? id = null;
        App.Runs.RunChanged += change =>
        {
            lock (states)
            {
                if (change.Run is { } r && (id is null || r.Id == id) && (states.Count == 0 || states[^1] != r.State))
                {
                    states.Add(r.State);
                }
            }
        };

        var result = await App.Commands.SubmitAsync(user, RunForms.Small(), RunForms.Key(), TestContext.Current.CancellationToken);
        id = result.Run!.Id;
        var done = await RunWaits.StateAsync(App.Runs, id, RunState.Succeeded, RunState.Failed);

        Assert.Equal(RunState.Succeeded, done.State);
        Assert.Equal(RunState.Queued, result.Run.State);
        Assert.Contains(RunState.Running, states);
        Assert.Equal(RunState.Succeeded, states[^1]);
        Assert.Equal("admin", done.CreatedBy);
        Assert.NotNull(done.BestNHidden);
        Assert.Contains(done.BestNHidden.Value, new[] { 3, 5 });
        Assert.All(done.Sizes, s => Assert.True(s.Done && s.Metrics is not null, $"size {s.NHidden} has no metrics"));
        Assert.NotNull(done.StartedUtc);
        Assert.NotNull(done.FinishedUtc);
        Assert.Equal(300, done.Parameters.TrainSize);
        Assert.True(File.Exists(Path.Combine(App.DataRoot, "runs", id, "_manifest.json")));
    }

    [Fact]
    public async Task Submit_SameKeyTwiceAtOnce_CreatesOneRun()
    {
        var user = await App.PrincipalAsync("admin");
        var key = RunForms.Key();
        var before = (await App.Runs.ListAsync(TestContext.Current.CancellationToken)).Count;

        var results = await Task.WhenAll(
            App.Commands.SubmitAsync(user, RunForms.Small(), key, TestContext.Current.CancellationToken),
            App.Commands.SubmitAsync(user, RunForms.Small(), key, TestContext.Current.CancellationToken));
        await RunWaits.StateAsync(App.Runs, results[0].Run!.Id, RunState.Succeeded, RunState.Failed);

        Assert.Equal(results[0].Run!.Id, results[1].Run!.Id);
        Assert.Equal(before + 1, (await App.Runs.ListAsync(TestContext.Current.CancellationToken)).Count);
    }

    [Fact]
    public async Task Submit_BadValues_ReturnsFieldErrorsAndCreatesNothing()
    {
        var user = await App.PrincipalAsync("admin");
        var before = (await App.Runs.ListAsync(TestContext.Current.CancellationToken)).Count;
        var form = RunForms.Small();
        form["train_size"] = "50";
        form["hidden_sizes"] = "3,3";

        var result = await App.Commands.SubmitAsync(user, form, RunForms.Key(), TestContext.Current.CancellationToken);

        Assert.Null(result.Run);
        Assert.Equal(["train_size", "hidden_sizes"], result.Errors.Select(e => e.Parameter.Key));
        Assert.Equal(before, (await App.Runs.ListAsync(TestContext.Current.CancellationToken)).Count);
    }

    [Fact]
    public async Task Cancel_QueuedAndRunning_EndCancelledWithNothingPublished()
    {
        var user = await App.PrincipalAsync("admin");
        var running = (await App.Commands.SubmitAsync(user, RunForms.Huge(), RunForms.Key(), TestContext.Current.CancellationToken)).Run!;
        var queued = (await App.Commands.SubmitAsync(user, RunForms.Small(), RunForms.Key(), TestContext.Current.CancellationToken)).Run!;
        await RunWaits.StateAsync(App.Runs, running.Id, RunState.Running);
        var waiting = await App.Runs.GetAsync(queued.Id, TestContext.Current.CancellationToken);

        var queuedCancel = await App.Commands.CancelAsync(user, queued.Id, TestContext.Current.CancellationToken);
        var runningCancel = await App.Commands.CancelAsync(user, running.Id, TestContext.Current.CancellationToken);
        var first = await RunWaits.StateAsync(App.Runs, running.Id, RunState.Cancelled, RunState.Succeeded, RunState.Failed);
        var second = await App.Runs.GetAsync(queued.Id, TestContext.Current.CancellationToken);
        var again = await App.Commands.CancelAsync(user, running.Id, TestContext.Current.CancellationToken);

        Assert.Equal(RunState.Queued, waiting?.State);
        Assert.True(queuedCancel.Succeeded, queuedCancel.Refusal);
        Assert.True(runningCancel.Succeeded, runningCancel.Refusal);
        Assert.Equal(RunState.Cancelled, first.State);
        Assert.Equal(RunState.Cancelled, second?.State);
        Assert.False(Directory.Exists(Path.Combine(App.DataRoot, "runs", running.Id)), "a cancelled run leaves no files");
        Assert.False(File.Exists(Path.Combine(App.DataRoot, "runs", queued.Id, "_manifest.json")));
        Assert.False(again.Succeeded);
    }

    [Fact]
    public async Task Delete_SucceededRun_RemovesFilesAndRecord()
    {
        var user = await App.PrincipalAsync("admin");
        var run = (await App.Commands.SubmitAsync(user, RunForms.Small(), RunForms.Key(), TestContext.Current.CancellationToken)).Run!;
        await RunWaits.StateAsync(App.Runs, run.Id, RunState.Succeeded);
        RunChange? pushed = null;
        App.Runs.RunChanged += c =>
        {
            if (c.RunId == run.Id)
            {
                pushed = c;
            }
        };

        var deleted = await App.Commands.DeleteAsync(user, run.Id, TestContext.Current.CancellationToken);

        Assert.True(deleted.Succeeded, deleted.Refusal);
        Assert.Null(await App.Runs.GetAsync(run.Id, TestContext.Current.CancellationToken));
        Assert.False(Directory.Exists(Path.Combine(App.DataRoot, "runs", run.Id)));
        Assert.NotNull(pushed);
        Assert.Null(pushed.Run);
    }

    [Fact]
    public async Task Delete_ActiveRun_IsRefused()
    {
        var user = await App.PrincipalAsync("admin");
        var run = (await App.Commands.SubmitAsync(user, RunForms.Huge(), RunForms.Key(), TestContext.Current.CancellationToken)).Run!;
        await RunWaits.StateAsync(App.Runs, run.Id, RunState.Running);

        var deleted = await App.Commands.DeleteAsync(user, run.Id, TestContext.Current.CancellationToken);
        await App.Commands.CancelAsync(user, run.Id, TestContext.Current.CancellationToken);
        await RunWaits.StateAsync(App.Runs, run.Id, RunState.Cancelled);

        Assert.False(deleted.Succeeded);
        Assert.Contains("cancel it first", deleted.Refusal, StringComparison.Ordinal);
    }
}
