using System.Runtime.Versioning;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Runs;

public sealed class RunFailureTests
{
    /// <summary>The real job cannot be made to fail at run time on demand; a shell script that fails as it would stands in.</summary>
    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task Submit_JobExitsNonZero_EndsFailedWithTheReasonAndNothingPublished()
    {
        using var folder = new TempFolder();
        using var script = new TempFolder();
        var job = Path.Combine(script.Path, "failing-job");
        await File.WriteAllTextAsync(job, "#!/bin/sh\necho 'oneoff-job: disk full while writing grid' >&2\nexit 1\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(job, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        await using var app = new DashboardApp(folder.Path, settings: new Dictionary<string, string?> { ["OneOff:Runs:JobPath"] = job });
        var admin = await app.PrincipalAsync("admin");

        var run = (await app.Commands.SubmitAsync(admin, RunForms.Small(), RunForms.Key(), TestContext.Current.CancellationToken)).Run!;
        var failed = await RunWaits.StateAsync(app.Runs, run.Id, RunState.Failed, RunState.Succeeded);

        Assert.Equal(RunState.Failed, failed.State);
        Assert.Equal("the job exited with code 1: oneoff-job: disk full while writing grid", failed.Error);
        Assert.NotNull(failed.FinishedUtc);
        Assert.False(File.Exists(Path.Combine(folder.Path, "runs", run.Id, "_manifest.json")));
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task Submit_JobFailsAfterWritingPartialOutputs_RemovesThem()
    {
        using var folder = new TempFolder();
        using var script = new TempFolder();
        var job = Path.Combine(script.Path, "failing-job");
        await File.WriteAllTextAsync(job, """
            #!/bin/sh
            while [ $# -gt 0 ]; do case "$1" in --out) out="$2"; shift;; --run-id) id="$2"; shift;; esac; shift; done
            mkdir -p "$out/runs/$id/train" "$out/runs/$id/test"
            echo partial > "$out/runs/$id/train/part-0.parquet"
            echo 'oneoff-job: disk full while writing test' >&2
            exit 1

            """.Replace("\r", "", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        File.SetUnixFileMode(job, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        await using var app = new DashboardApp(folder.Path, settings: new Dictionary<string, string?> { ["OneOff:Runs:JobPath"] = job });
        var admin = await app.PrincipalAsync("admin");

        var run = (await app.Commands.SubmitAsync(admin, RunForms.Small(), RunForms.Key(), TestContext.Current.CancellationToken)).Run!;
        var failed = await RunWaits.StateAsync(app.Runs, run.Id, RunState.Failed, RunState.Succeeded);

        Assert.Equal(RunState.Failed, failed.State);
        Assert.Contains("disk full while writing test", failed.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "runs", run.Id)), "the failed run's partial outputs are removed");
    }
}
