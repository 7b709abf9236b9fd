using System.Text.Json;
using OneOff.Jobs.Cli;
using OneOff.Core.Runs;
using OneOff.Testing;

namespace OneOff.Jobs.Tests.Cli;

public sealed class JobCliTests
{
    public static TheoryData<string[], string> BadArguments => new()
    {
        { ["sweep", "--train-size", "99"], "--train-size" },
        { ["sweep", "--test-size", "x"], "--test-size" },
        { ["sweep", "--hidden", "5,5"], "--hidden" },
        { ["sweep", "--hidden", ""], "--out" },
        { ["sweep", "--hidden", "3,0"], "--hidden" },
        { ["sweep", "--jitter", "-0.1"], "--jitter" },
        { ["sweep", "--max-iter", "10001"], "--max-iter" },
        { ["sweep", "--tol", "1"], "--tol" },
        { ["sweep", "--radius", "7.1"], "--radius" },
        { ["sweep", "--x-half-width", "0"], "--x-half-width" },
        { ["sweep", "--box-half-width", "101"], "--box-half-width" },
        { ["sweep", "--run-id", "Bad_Id"], "--run-id" },
        { ["sweep", "--data-seed", "-3"], "--data-seed" },
        { ["sweep", "--unknown", "1"], "--unknown" },
        { ["generate", "--model-seed", "1e3"], "--model-seed" },
        { ["train", "--run-id", "r1", "--n-hidden", "abc"], "--n-hidden" },
        { ["train", "--run-id", "missing", "--n-hidden", "5"], "missing" },
        { ["publish", "--run-id", "missing"], "missing" },
        { ["publish", "--run-id", "-x"], "--run-id" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public async Task Run_BadArgument_ExitsTwoWithOneLineNamingItAndWritesNothing(string[] args, string named)
    {
        using var folder = new TempFolder();
        var withOut = args[0] == "sweep" && args.Contains("--hidden") && args[Array.IndexOf(args, "--hidden") + 1] == ""
            ? args
            : [.. args, "--out", folder.Path];

        var outcome = await Infrastructure.Cli.RunAsync(withOut);

        Assert.Equal(JobCli.Usage, outcome.ExitCode);
        var line = Assert.Single(outcome.ErrorLines);
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.Empty(folder.Files());
        Assert.Empty(outcome.Out);
    }

    [Fact]
    public async Task Sweep_OutIsAFile_ExitsTwo()
    {
        using var folder = new TempFolder();
        var file = folder["a-file"];
        await File.WriteAllTextAsync(file, "x");

        var outcome = await Infrastructure.Cli.RunAsync(["sweep", .. Infrastructure.Cli.Small(Path.Combine(file, "sub"), "r1")]);

        Assert.Equal(JobCli.Usage, outcome.ExitCode);
        Assert.Contains("--out", Assert.Single(outcome.ErrorLines), StringComparison.Ordinal);
        Assert.Equal(["a-file"], folder.Files());
    }

    [Fact]
    public async Task Sweep_ExistingRunId_IsRefusedAndNothingChanges()
    {
        using var folder = new TempFolder();
        Assert.Equal(0, (await Infrastructure.Cli.RunAsync(["sweep", .. Infrastructure.Cli.Small(folder.Path, "r1")])).ExitCode);
        var before = folder.Files().ToDictionary(f => f, f => File.GetLastWriteTimeUtc(folder[f]));

        var again = await Infrastructure.Cli.RunAsync(["sweep", .. Infrastructure.Cli.Small(folder.Path, "r1")]);

        Assert.Equal(JobCli.Usage, again.ExitCode);
        Assert.Contains("already exists", Assert.Single(again.ErrorLines), StringComparison.Ordinal);
        Assert.Equal(before, folder.Files().ToDictionary(f => f, f => File.GetLastWriteTimeUtc(folder[f])));
    }

    [Fact]
    public async Task Sweep_Json_EmitsTheContractEventsInOrder()
    {
        using var folder = new TempFolder();

        var outcome = await Infrastructure.Cli.RunAsync(["sweep", .. Infrastructure.Cli.Small(folder.Path, "r-json", "--json")]);

        Assert.Equal(JobCli.Success, outcome.ExitCode);
        var events = outcome.OutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var names = events.Select(e => e.GetProperty("event").GetString()).ToList();
        Assert.Equal("started", names[0]);
        Assert.Equal("r-json", events[0].GetProperty("run_id").GetString());
        Assert.Equal("published", names[^1]);
        Assert.Equal("r-json", events[^1].GetProperty("run_id").GetString());
        var done = events.Where(e => e.GetProperty("event").GetString() == "model_done").ToList();
        Assert.Equal([3, 8, 20], done.Select(e => e.GetProperty("n_hidden").GetInt32()).Order());
        Assert.All(done, e =>
        {
            Assert.InRange(e.GetProperty("test_acc").GetDouble(), 0, 1);
            Assert.InRange(e.GetProperty("iterations").GetInt32(), 1, 30);
            Assert.Contains(e.GetProperty("stop_reason").GetString(), new[] { "converged", "max_iter", "line_search" });
        });
        Assert.All(names, n => Assert.Contains(n, new[] { "started", "phase", "iteration", "model_done", "published" }));
    }

    [Fact]
    public async Task Sweep_Plain_PrintsProgressOnStderrAndASummaryOnStdout()
    {
        using var folder = new TempFolder();

        var outcome = await Infrastructure.Cli.RunAsync(["sweep", .. Infrastructure.Cli.Small(folder.Path, "r-plain")]);

        Assert.Equal(JobCli.Success, outcome.ExitCode);
        Assert.Contains(outcome.ErrorLines, l => l.StartsWith("N=20 done", StringComparison.Ordinal));
        Assert.Contains(outcome.ErrorLines, l => l.StartsWith("published run r-plain", StringComparison.Ordinal));
        Assert.Contains(outcome.OutLines, l => l.Contains("<- best", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sweep_CapReached_SummarySaysWhyEachModelStoppedAndWhatToChange()
    {
        using var folder = new TempFolder();

        var outcome = await Infrastructure.Cli.RunAsync(
            "sweep", "--out", folder.Path, "--run-id", "r-stop", "--train-size", "200", "--test-size", "100", "--hidden", "2,3", "--max-iter", "3", "--tol", "1e-12");

        Assert.Equal(JobCli.Success, outcome.ExitCode);
        var manifest = RunManifest.Parse(await File.ReadAllBytesAsync(folder[RunKeys.Manifest("r-stop")], TestContext.Current.CancellationToken));
        Assert.All(manifest.Models, m => Assert.Equal(StopReason.MaxIter, m.StopReason));
        Assert.Contains("stopped", outcome.OutLines[1], StringComparison.Ordinal);
        Assert.All(outcome.OutLines.Skip(2).Take(2), l => Assert.Contains(" max_iter", l, StringComparison.Ordinal));
        Assert.Contains(outcome.OutLines, l => l.StartsWith("N=2,3 stopped at max_iter 3 without converging", StringComparison.Ordinal));
        Assert.Contains(outcome.ErrorLines, l => l.StartsWith("N=2 done", StringComparison.Ordinal) && l.Contains("stopped at max_iter 3 (not converged)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sweep_AllConverged_SummaryHasNoAdvice()
    {
        using var folder = new TempFolder();

        var outcome = await Infrastructure.Cli.RunAsync(
            "sweep", "--out", folder.Path, "--run-id", "r-conv", "--train-size", "200", "--test-size", "100", "--hidden", "2", "--max-iter", "1000", "--tol", "0.01");

        Assert.Equal(JobCli.Success, outcome.ExitCode);
        Assert.Contains(" converged", outcome.OutLines[2], StringComparison.Ordinal);
        Assert.DoesNotContain(outcome.OutLines, l => l.Contains("without converging", StringComparison.Ordinal));
        Assert.Contains(outcome.ErrorLines, l => l.StartsWith("N=2 done", StringComparison.Ordinal) && l.Contains("converged at iteration", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sweep_NoRunId_GeneratesAFreshOne()
    {
        using var folder = new TempFolder();

        var outcome = await Infrastructure.Cli.RunAsync("sweep", "--out", folder.Path, "--train-size", "200", "--test-size", "100", "--hidden", "2", "--max-iter", "3", "--json");

        Assert.Equal(JobCli.Success, outcome.ExitCode);
        var runId = JsonDocument.Parse(outcome.OutLines[0]).RootElement.GetProperty("run_id").GetString();
        Assert.Matches("^[0-9]{8}-[0-9]{6}-[a-z0-9]{4}$", runId);
        Assert.True(File.Exists(folder[RunKeys.Manifest(runId!)]));
    }

    [Fact]
    public async Task Sweep_Cancelled_ExitsOneAndPublishesNothing()
    {
        using var folder = new TempFolder();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(400));

        var outcome = await Infrastructure.Cli.RunAsync(
            ["sweep", "--out", folder.Path, "--run-id", "r-cancel", "--train-size", "50000", "--hidden", "300", "--max-iter", "10000", "--tol", "1e-12", "--json"], cts.Token);

        Assert.Equal(JobCli.Failure, outcome.ExitCode);
        Assert.Equal("failed", JsonDocument.Parse(outcome.OutLines[^1]).RootElement.GetProperty("event").GetString());
        Assert.Contains("cancelled", outcome.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(folder[RunKeys.Manifest("r-cancel")]));
    }

    [Fact]
    public async Task Sweep_ProcessKilledMidRun_LeavesNoManifest()
    {
        using var folder = new TempFolder();
        using var process = Infrastructure.Cli.Start("sweep", "--out", folder.Path, "--run-id", "r-kill", "--train-size", "20000", "--hidden", "2,400", "--max-iter", "5000", "--tol", "1e-12", "--json");

        // Wait until the job has published its first size, then kill it hard.
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken)) is not null && !line.Contains("model_done", StringComparison.Ordinal))
        {
        }

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.NotNull(line);
        Assert.True(File.Exists(folder[RunKeys.Metrics("r-kill", 2)]));
        Assert.False(File.Exists(folder[RunKeys.Manifest("r-kill")]));
    }
}
