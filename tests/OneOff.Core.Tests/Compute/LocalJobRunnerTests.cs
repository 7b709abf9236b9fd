using Microsoft.Extensions.Logging.Abstractions;
using OneOff.Core.Compute;
using OneOff.Core.Runs;
using OneOff.Core.Storage;
using OneOff.Testing;

namespace OneOff.Core.Tests.Compute;

/// <summary>The local runner against the real oneoff-job built next to these tests.</summary>
public sealed class LocalJobRunnerTests : IDisposable
{
    private static readonly string s_job = Path.Combine(AppContext.BaseDirectory, "oneoff-job.dll");
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private LocalJobRunner Runner(string? job = null) =>
        new(new LocalJobRunnerOptions { JobPath = job ?? s_job }, new FolderObjectStore(_folder.Path), NullLogger<LocalJobRunner>.Instance);

    [Fact]
    public async Task StartAsync_SmallSweep_ReportsEveryEventAndPublishes()
    {
        await using var execution = await Runner().StartAsync(
            new JobRequest(new RunParameters { RunId = "r1", TrainSize = 300, TestSize = 100, HiddenSizes = [3, 5], MaxIter = 20 }), TestContext.Current.CancellationToken);
        var events = new List<JobEvent>();
        await foreach (var e in execution.ReadEventsAsync(TestContext.Current.CancellationToken))
        {
            events.Add(e);
        }

        var exit = await execution.Completion;

        Assert.Equal(0, exit.ExitCode);
        Assert.Equal(LocalJobRunner.RunnerName, execution.Handle.Runner);
        Assert.Equal(new JobStarted("r1", [3, 5], 20), events[0]);
        Assert.Equal([3, 5], events.OfType<JobModelDone>().Select(m => m.NHidden).Order());
        Assert.All(events.OfType<JobModelDone>(), m => Assert.InRange(m.Metrics!.TestAcc, 0.0, 1.0));
        Assert.Equal("r1", Assert.IsType<JobPublished>(events[^1]).RunId);
        Assert.True(File.Exists(Path.Combine(_folder.Path, "runs", "r1", "_manifest.json")));
    }

    [Fact]
    public async Task StartAsync_BadArgument_ExitsTwoNamingTheFlag()
    {
        await using var execution = await Runner().StartAsync(new JobRequest(new RunParameters { RunId = "r2", TrainSize = 5 }), TestContext.Current.CancellationToken);

        var exit = await execution.Completion.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.Equal(2, exit.ExitCode);
        Assert.Contains("--train-size", exit.Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelAsync_RunningJob_KillsItBeforeItPublishes()
    {
        var runner = Runner();
        await using var execution = await runner.StartAsync(
            new JobRequest(new RunParameters { RunId = "r3", TrainSize = 50000, TestSize = 1000, HiddenSizes = [50, 100], MaxIter = 3000, Tol = 1e-12 }), TestContext.Current.CancellationToken);
        await using var events = execution.ReadEventsAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await events.MoveNextAsync());

        await execution.CancelAsync(TestContext.Current.CancellationToken);
        var exit = await execution.Completion;

        Assert.NotEqual(0, exit.ExitCode);
        Assert.False(LocalJobRunner.IsAlive(execution.Handle));
        Assert.Null(await runner.AttachAsync("r3", execution.Handle, TestContext.Current.CancellationToken));
        Assert.False(File.Exists(Path.Combine(_folder.Path, "runs", "r3", "_manifest.json")));
    }

    [Theory]
    [InlineData("emr", "j-ABC")]
    [InlineData("local", "not-a-handle")]
    [InlineData("local", "1@0")]
    public async Task AttachAsync_ForeignOrStaleHandle_ReturnsNull(string runner, string id)
    {
        var attached = await Runner().AttachAsync("r4", new JobHandle(runner, id), TestContext.Current.CancellationToken);

        Assert.Null(attached);
    }

    [Fact]
    public async Task StartAsync_MissingJob_ThrowsWithTheFix()
    {
        var e = await Assert.ThrowsAsync<JobStartException>(() => Runner("/nowhere/oneoff-job.dll").StartAsync(new JobRequest(new RunParameters { RunId = "r5" }), TestContext.Current.CancellationToken));

        Assert.Contains("/nowhere/oneoff-job.dll", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JobHandle_RoundTrips()
    {
        var handle = new JobHandle("local", "123@638000000000000000");

        Assert.Equal(handle, JobHandle.TryParse(handle.ToString()));
        Assert.Null(JobHandle.TryParse("nocolon"));
        Assert.Null(JobHandle.TryParse(null));
    }
}
