using OneOff.Core.Compute;
using OneOff.Core.Runs;
using OneOff.Core.Storage;

namespace OneOff.Testing;

/// <summary>
/// The <see cref="IJobRunner"/> contract, run against every runner that can run here: a started job reports its
/// events in order and publishes; a cancelled one ends and publishes nothing; a restarted control plane (a new
/// runner over the same store) re-attaches to a live job by its handle and follows it to the end; a handle that is
/// not the runner's finds nothing.
/// </summary>
public abstract class JobRunnerContractTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The store the runners' jobs write to (the same one for every runner of a test).</summary>
    protected abstract IObjectStore Store { get; }

    /// <summary>The <see cref="JobHandle.Runner"/> of the runner's handles.</summary>
    protected abstract string RunnerName { get; }

    /// <summary>A runner over <see cref="Store"/>; a second call stands for the control plane after a restart.</summary>
    protected abstract IJobRunner CreateRunner();

    /// <summary>A job that ends within seconds: two small sizes.</summary>
    protected virtual RunParameters SmallJob(string runId) =>
        new() { RunId = runId, TrainSize = 300, TestSize = 100, HiddenSizes = [3, 5], MaxIter = 20 };

    /// <summary>A job that runs for several seconds at least, so that it can be cancelled or re-attached to while it runs.</summary>
    protected virtual RunParameters LongJob(string runId) =>
        new() { RunId = runId, TrainSize = 50000, TestSize = 1000, HiddenSizes = [50, 100], MaxIter = 3000, Tol = 1e-12 };

    /// <summary>A job that runs for a few seconds, long enough to re-attach to, short enough to follow to its end.</summary>
    protected virtual RunParameters MediumJob(string runId) =>
        new() { RunId = runId, TrainSize = 20000, TestSize = 500, HiddenSizes = [20, 40], MaxIter = 600, Tol = 1e-12 };

    [Fact]
    public async Task StartAsync_SmallJob_ReportsEventsInOrderAndPublishes()
    {
        var parameters = SmallJob("contract-start");
        await using var execution = await CreateRunner().StartAsync(new JobRequest(parameters), Ct);

        var events = await ReadAllAsync(execution);
        var exit = await execution.Completion.WaitAsync(s_timeout, Ct);

        Assert.Equal(RunnerName, execution.Handle.Runner);
        Assert.Null(exit.Reason);
        var started = Assert.IsType<JobStarted>(events[0]);
        Assert.Equal(parameters.RunId, started.RunId);
        Assert.Equal(parameters.HiddenSizes, started.HiddenSizes);
        var published = Assert.IsType<JobPublished>(events[^1]);
        Assert.Equal(parameters.RunId, published.RunId);
        var done = events.OfType<JobModelDone>().ToList();
        Assert.Equal(parameters.HiddenSizes.Order(), done.Select(m => m.NHidden).Order());
        Assert.All(done, m => Assert.InRange(Assert.IsType<ModelMetrics>(m.Metrics).TestAcc, 0.0, 1.0));
        Assert.Contains(published.BestNHidden, parameters.HiddenSizes);
        Assert.All(events.OfType<JobIteration>(), it =>
            Assert.True(events.IndexOf(it) < events.FindIndex(e => e is JobModelDone d && d.NHidden == it.NHidden), "a size's iterations come before its model_done"));
        Assert.True(await Store.ExistsAsync(RunKeys.Manifest(parameters.RunId), Ct));
    }

    [Fact]
    public async Task CancelAsync_RunningJob_EndsAndPublishesNothing()
    {
        var parameters = LongJob("contract-cancel");
        await using var execution = await CreateRunner().StartAsync(new JobRequest(parameters), Ct);
        await using var events = execution.ReadEventsAsync(Ct).GetAsyncEnumerator(Ct);
        Assert.True(await events.MoveNextAsync());

        await execution.CancelAsync(Ct).WaitAsync(s_timeout, Ct);
        var exit = await execution.Completion.WaitAsync(s_timeout, Ct);

        Assert.NotNull(exit);
        Assert.False(await Store.ExistsAsync(RunKeys.Manifest(parameters.RunId), Ct));
    }

    [Fact]
    public async Task AttachAsync_LiveJobAfterRestart_FollowsItToTheEnd()
    {
        var parameters = MediumJob("contract-attach");
        JobHandle handle;
        await using (var execution = await CreateRunner().StartAsync(new JobRequest(parameters), Ct))
        {
            handle = execution.Handle;
            await using var events = execution.ReadEventsAsync(Ct).GetAsyncEnumerator(Ct);
            Assert.True(await events.MoveNextAsync());

            // Disposing detaches: the job goes on without the control plane.
        }

        await using var attached = await CreateRunner().AttachAsync(parameters.RunId, handle, Ct);

        Assert.NotNull(attached);
        Assert.Equal(handle, attached.Handle);
        var followed = await ReadAllAsync(attached);
        var exit = await attached.Completion.WaitAsync(s_timeout, Ct);
        Assert.Null(exit.Reason);
        Assert.Equal(parameters.RunId, Assert.IsType<JobPublished>(followed[^1]).RunId);
        Assert.Equal(parameters.HiddenSizes.Order(), followed.OfType<JobModelDone>().Select(m => m.NHidden).Order());
        Assert.True(await Store.ExistsAsync(RunKeys.Manifest(parameters.RunId), Ct));
    }

    [Fact]
    public async Task AttachAsync_OtherRunnersHandle_ReturnsNull()
    {
        var attached = await CreateRunner().AttachAsync("contract-foreign", new JobHandle(RunnerName + "-other", "j-2AXXXXGAPLF4P"), Ct);

        Assert.Null(attached);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    [InlineData("1@0")]
    public async Task AttachAsync_GarbageId_ReturnsNull(string id)
    {
        var attached = await CreateRunner().AttachAsync("contract-garbage", new JobHandle(RunnerName, id), Ct);

        Assert.Null(attached);
    }

    private static Task<List<JobEvent>> ReadAllAsync(IJobExecution execution) => JobExecutions.ReadAllAsync(execution, s_timeout, Ct);
}
