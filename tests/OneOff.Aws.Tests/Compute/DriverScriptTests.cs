using OneOff.Testing;

namespace OneOff.Aws.Tests.Compute;

/// <summary>
/// <c>src/Jobs/emr/driver.py</c> on Debian's python3 with a tiny pyspark stand-in (<c>Compute/fakespark</c>: tasks in
/// process, a raising task retried up to <c>spark.task.maxFailures</c>), running the real self-contained oneoff-job.
/// </summary>
public sealed class DriverScriptTests : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Driver => Path.Combine(RepoPaths.Root, "src", "Jobs", "emr", "driver.py");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Driver_TwoSizes_TrainsEachOnceLargestFirstAndPublishCompletes()
    {
        var job = await GenerateAsync("r2", "2,3");

        var run = await DriverAsync(job, "--out", _folder["out"], "--run-id", "r2", "--hidden", "2,3", "--install", job);

        Assert.True(run.Result.ExitCode == 0, run.Result.StdErr);
        Assert.Equal(["app oneoff-r2", "attempt 3", "attempt 2", "stop"], run.Log);
        var publish = await ProcessRunner.RunAsync(Path.Combine(job, "oneoff-job"), ["publish", "--out", _folder["out"], "--run-id", "r2"]);
        Assert.True(publish.ExitCode == 0, publish.StdErr);
        Assert.True(File.Exists(_folder["out/runs/r2/_manifest.json"]));
    }

    [Fact]
    public async Task Driver_SizeFailsAtRunTime_RetriedBySparkThenDriverFailsNamingSizeAndStderr()
    {
        var job = await GenerateAsync("rf", "2,3");
        // A file where size 3's grid folder must go: its train fails at run time (exit 1); size 2 is unaffected.
        Directory.CreateDirectory(_folder["out/runs/rf/grid"]);
        await File.WriteAllTextAsync(_folder["out/runs/rf/grid/n_hidden=3"], "in the way", Ct);

        var run = await DriverAsync(job, "--out", _folder["out"], "--run-id", "rf", "--hidden", "2,3", "--install", job);

        Assert.Equal(1, run.Result.ExitCode);
        Assert.Equal(4, run.Log.Count(l => l == "attempt 3"));
        Assert.DoesNotContain("attempt 2", run.Log);
        Assert.Contains("stop", run.Log);
        Assert.Contains("hidden size 3 failed (exit 1)", run.Result.StdErr, StringComparison.Ordinal);
        Assert.Contains("oneoff-job: run rf failed", run.Result.StdErr, StringComparison.Ordinal);
        Assert.Contains("training failed after Spark's retries", run.Result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Driver_JobRefusesArguments_NotRetriedAndDriverExits2()
    {
        var job = await GenerateAsync("ru", "2,3");

        var run = await DriverAsync(job, "--out", _folder["out"], "--run-id", "ru", "--hidden", "2,9", "--install", job);

        Assert.Equal(2, run.Result.ExitCode);
        Assert.Equal(1, run.Log.Count(l => l == "attempt 9"));
        Assert.Equal(1, run.Log.Count(l => l == "attempt 2"));
        Assert.Contains("hidden size 9 failed with bad arguments (exit 2)", run.Result.StdErr, StringComparison.Ordinal);
        Assert.Contains("--n-hidden 9 is not one of the hidden sizes", run.Result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Driver_JobMissing_RaisesSoSparkRetries()
    {
        var run = await DriverAsync(_folder.Path, "--out", _folder["out"], "--run-id", "rm", "--hidden", "4", "--install", _folder["nowhere"]);

        Assert.Equal(1, run.Result.ExitCode);
        Assert.Equal(4, run.Log.Count(l => l == "attempt 4"));
        Assert.Contains("hidden size 4: could not start", run.Result.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2,x")]
    [InlineData("0")]
    public async Task Driver_BadHiddenList_Exits2BeforeSpark(string hidden)
    {
        var run = await DriverAsync(_folder.Path, "--out", _folder["out"], "--run-id", "rb", "--hidden", hidden);

        Assert.Equal(2, run.Result.ExitCode);
        Assert.Contains("--hidden must be", run.Result.StdErr, StringComparison.Ordinal);
        Assert.Empty(run.Log);
    }

    [Fact]
    public async Task Driver_ParsesAsPython3_9()
    {
        var check = await ProcessRunner.RunAsync(Python, ["-c", "import ast,sys; ast.parse(open(sys.argv[1]).read(), feature_version=(3, 9)); print('ok')", Driver]);

        Assert.True(check.ExitCode == 0, check.StdErr);
        Assert.Equal("ok", check.StdOut.Trim());
    }

    /// <summary>Generates run <paramref name="runId"/> with the real linux-x64 job; returns the job's folder.</summary>
    private async Task<string> GenerateAsync(string runId, string hidden)
    {
        var job = (await JobBundleSource.GetAsync()).Job("linux-x64");
        var generate = await ProcessRunner.RunAsync(
            Path.Combine(job, "oneoff-job"),
            ["generate", "--out", _folder["out"], "--run-id", runId, "--hidden", hidden, "--train-size", "200", "--test-size", "100", "--max-iter", "5"]);
        Assert.True(generate.ExitCode == 0, generate.StdErr);
        return job;
    }

    private async Task<(ProcessRunner.Result Result, List<string> Log)> DriverAsync(string workingDirectory, params string[] arguments)
    {
        var log = _folder[$"spark-{Guid.NewGuid():N}.log"];
        var result = await ProcessRunner.RunAsync(
            Python, [Driver, .. arguments], workingDirectory,
            environment: new Dictionary<string, string?>
            {
                ["PYTHONPATH"] = Path.Combine(RepoPaths.Root, "tests", "OneOff.Aws.Tests", "Compute", "fakespark"),
                ["PYTHONDONTWRITEBYTECODE"] = "1",
                ["FAKE_SPARK_LOG"] = log,
            },
            timeout: TimeSpan.FromMinutes(3));
        return (result, File.Exists(log) ? [.. await File.ReadAllLinesAsync(log, Ct)] : []);
    }
}
