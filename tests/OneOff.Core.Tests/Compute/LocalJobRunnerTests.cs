using Microsoft.Extensions.Logging.Abstractions;
using OneOff.Core.Compute;
using OneOff.Core.Runs;
using OneOff.Core.Storage;
using OneOff.Testing;

namespace OneOff.Core.Tests.Compute;

/// <summary>What the local runner does beyond the runner contract (<see cref="LocalJobRunnerContractTests"/>).</summary>
public sealed class LocalJobRunnerTests : IDisposable
{
    private readonly TempFolder _folder = new();

    /// <summary>The real oneoff-job, built next to these tests.</summary>
    internal static string Job { get; } = Path.Combine(AppContext.BaseDirectory, "oneoff-job.dll");

    public void Dispose() => _folder.Dispose();

    private LocalJobRunner Runner(string? job = null) =>
        new(new LocalJobRunnerOptions { JobPath = job ?? Job }, new FolderObjectStore(_folder.Path), NullLogger<LocalJobRunner>.Instance);

    [Fact]
    public async Task StartAsync_BadArgument_ExitsTwoNamingTheFlag()
    {
        await using var execution = await Runner().StartAsync(new JobRequest(new RunParameters { RunId = "r2", TrainSize = 5 }), TestContext.Current.CancellationToken);

        var exit = await execution.Completion.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.Equal(2, exit.ExitCode);
        Assert.Contains("--train-size", exit.Diagnostics, StringComparison.Ordinal);
        Assert.Contains("--train-size", exit.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelAsync_RunningJob_KillsTheProcess()
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
    }

    [Fact]
    public async Task StartAsync_MalformedEventLines_AreDiagnosticsNotEvents()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "the stand-in job is a shell script");
        var script = _folder["fake-job.sh"];
        await File.WriteAllTextAsync(script, """
            #!/bin/sh
            echo 'not an event'
            echo '{"event":"iteration","n_hidden":7}'
            echo '{"event":"failed","message":"disk full"}'
            echo 'disk full' >&2
            exit 1
            """.ReplaceLineEndings("\n"), TestContext.Current.CancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        await using var execution = await Runner(script).StartAsync(new JobRequest(new RunParameters { RunId = "r6" }), TestContext.Current.CancellationToken);

        var events = new List<JobEvent>();
        await foreach (var e in execution.ReadEventsAsync(TestContext.Current.CancellationToken))
        {
            events.Add(e);
        }

        var exit = await execution.Completion;

        Assert.Equal([new JobFailed("disk full")], events);
        Assert.Equal(1, exit.ExitCode);
        Assert.Equal("the job exited with code 1: disk full", exit.Reason);
        Assert.Contains("not an event", exit.Diagnostics, StringComparison.Ordinal);
        Assert.Contains("\"n_hidden\":7", exit.Diagnostics, StringComparison.Ordinal);
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
