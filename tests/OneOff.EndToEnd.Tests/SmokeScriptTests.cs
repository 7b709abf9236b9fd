using System.Reflection;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using OneOff.Testing;

namespace OneOff.EndToEnd.Tests;

/// <summary>
/// The stand-ins of <c>tests/standins/start</c> (moto for S3, the EMR stand-in running the real bootstrap script,
/// driver and job) and the job bundle, shared by the smoke script's tests.
/// </summary>
public sealed class SmokeStandInFixture : IAsyncLifetime
{
    /// <summary>The stand-in delays of AwsJourneyTests: every phase lasts long enough for a 0.5 s poll to see it.</summary>
    private static readonly string[] s_delays =
        ["--start-delay", "1.5", "--bootstrap-delay", "1", "--ready-delay", "0.5", "--step-delay", "0.3", "--terminate-delay", "0.3", "--log-delay", "1"];

    private readonly string _dataRoot = Directory.CreateTempSubdirectory("oneoff-smoke-").FullName;

    public StandInDeployment Deployment { get; private set; } = null!;

    public string BundleFolder { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var bundle = JobBundleSource.GetAsync();
        Deployment = await StandInDeployment.StartAsync(s_delays);
        BundleFolder = (await bundle).Folder;
    }

    /// <summary>The script's environment: the stand-ins' exports (as <c>. ./aws.env</c> gives an operator), the bundle and a data root.</summary>
    public Dictionary<string, string?> Environment() => new(Deployment.Exports.ToDictionary(e => e.Key, e => (string?)e.Value), StringComparer.Ordinal)
    {
        ["OneOff__DataRoot"] = _dataRoot,
        ["OneOff__Aws__Emr__BundleFolder"] = BundleFolder,
        ["OneOff__Aws__Emr__PollSeconds"] = "0.5",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
    };

    /// <summary>Every key under <paramref name="prefix"/> in the deployment's bucket (moto), as <c>aws s3 ls</c> would list them.</summary>
    public async Task<List<string>> KeysAsync(string prefix)
    {
        using var s3 = new AmazonS3Client(
            new BasicAWSCredentials(Deployment.Exports["AWS_ACCESS_KEY_ID"], Deployment.Exports["AWS_SECRET_ACCESS_KEY"]),
            new AmazonS3Config { ServiceURL = Deployment.Exports["AWS_ENDPOINT_URL_S3"], ForcePathStyle = true, AuthenticationRegion = Deployment.Exports["AWS_REGION"] });
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = Deployment.Bucket, Prefix = prefix };
        ListObjectsV2Response page;
        do
        {
            page = await s3.ListObjectsV2Async(request);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
        return keys;
    }

    public async ValueTask DisposeAsync()
    {
        if (Deployment is not null)
        {
            await Deployment.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataRoot, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// <c>deploy/smoke.sh</c> as an operator runs it, against the stand-ins with the built dashboard: the script and the
/// dashboard's <c>smoke</c> verb work, and what only an AWS account can prove is never reported confirmed here.
/// </summary>
public sealed partial class SmokeScriptTests(SmokeStandInFixture fixture) : IClassFixture<SmokeStandInFixture>
{
    /// <summary>What only an account can prove: on the stand-ins each is "not checkable here", whatever the stand-in did.</summary>
    private static readonly string[] s_accountOnly =
        ["s3.prefix", "emr.list-clusters", "job.timings", "logs.step-stderr", "job.failure-details", "cluster.cancel", "cluster.lease", "athena.injected-params", "athena.workgroup"];

    /// <summary>What the stand-ins do run.</summary>
    private static readonly string[] s_ranOnStandIn = ["job.end-to-end", "cluster.terminated"];

    private static string Script => Path.Combine(RepoPaths.Root, "deploy", "smoke.sh");

    /// <summary>The built dashboard, as DashboardProcess starts it (<c>src/Dashboard/bin/Release/net10.0</c>).</summary>
    private static string App => Path.Combine(RepoPaths.Root, "src", "Dashboard", "bin",
        typeof(SmokeScriptTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release", "net10.0");

    [Fact]
    public async Task SmokeScript_OnTheStandIns_RunsEveryCheckNeverConfirmsAccountItemsAndRemovesItsObjects()
    {
        var run = await ProcessRunner.RunAsync(Script, ["--app", App], environment: fixture.Environment(), timeout: TimeSpan.FromMinutes(5));

        var because = $"exit {run.ExitCode}\nstdout:\n{run.StdOut}\nstderr:\n{run.StdErr}";
        Assert.True(run.ExitCode == 0, because);
        var smokeId = SmokeId(run.StdOut);
        var items = Items(run.StdOut);
        Assert.Equal([.. s_accountOnly.Concat(s_ranOnStandIn).Order(StringComparer.Ordinal)], items.Keys.Order(StringComparer.Ordinal));
        foreach (var name in s_accountOnly)
        {
            Assert.True(items[name].Verdict == "not checkable here", $"{name}: {items[name].Verdict}: {items[name].Detail}");
        }

        foreach (var name in s_ranOnStandIn)
        {
            Assert.True(items[name].Verdict == "ran on the stand-in", $"{name}: {items[name].Verdict}: {items[name].Detail}");
        }

        // The checks ran on the stand-in (what it saw follows "stand-in"), except those that cannot run here at all.
        foreach (var name in s_accountOnly.Except(["cluster.lease"]))
        {
            Assert.StartsWith("stand-in (", items[name].Detail, StringComparison.Ordinal);
        }

        Assert.Contains("--lease-check", items["cluster.lease"].Detail, StringComparison.Ordinal);
        Assert.Contains("GetWorkGroup", items["athena.workgroup"].Detail, StringComparison.Ordinal);
        Assert.Contains("answered 2 models", items["athena.injected-params"].Detail, StringComparison.Ordinal);
        Assert.Contains("already exists", items["job.failure-details"].Detail, StringComparison.Ordinal);
        Assert.Contains("stderr.gz at s3://", items["logs.step-stderr"].Detail, StringComparison.Ordinal);
        Assert.Contains("provisioning", items["job.timings"].Detail, StringComparison.Ordinal);
        Assert.Contains("estimated from list prices", items["cluster.terminated"].Detail, StringComparison.Ordinal);
        Assert.Contains("Summary: 0 confirmed, 2 ran on the stand-in, 9 not checkable here, 0 NOT confirmed.", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("job: provisioning", run.StdErr, StringComparison.Ordinal);
        Assert.Contains("job: installing the job", run.StdErr, StringComparison.Ordinal);

        var clusters = (await fixture.Deployment.ClustersAsync()).Where(c => c.Name.Contains(smokeId, StringComparison.Ordinal)).ToList();
        Assert.Equal(3, clusters.Count);
        Assert.All(clusters, c => Assert.StartsWith("TERMINATED", c.State, StringComparison.Ordinal));
        // Its own objects only: the --keep test of this class keeps its report under smoke/ on the same stand-ins.
        Assert.Empty(await fixture.KeysAsync($"{fixture.Deployment.Prefix}/smoke/{smokeId}/"));
        Assert.Empty(await fixture.KeysAsync($"{fixture.Deployment.Prefix}/runs/{smokeId}"));
        Assert.Contains("Removed the smoke run's objects (", run.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SmokeScript_KeepAndLeaseCheck_KeepsTheRunsAndTheReportAndTheLeaseEndsItsCluster()
    {
        var run = await ProcessRunner.RunAsync(Script, ["--app", App, "--keep", "--lease-check"], environment: fixture.Environment(), timeout: TimeSpan.FromMinutes(5));

        var because = $"exit {run.ExitCode}\nstdout:\n{run.StdOut}\nstderr:\n{run.StdErr}";
        Assert.True(run.ExitCode == 0, because);
        var smokeId = SmokeId(run.StdOut);
        var lease = Items(run.StdOut)["cluster.lease"];
        Assert.True(lease.Verdict == "not checkable here", because);
        Assert.Contains("ended by itself", lease.Detail, StringComparison.Ordinal);
        var prefix = fixture.Deployment.Prefix;
        Assert.Contains($"{prefix}/smoke/{smokeId}/report.txt", await fixture.KeysAsync($"{prefix}/smoke/{smokeId}/"));
        Assert.Contains($"{prefix}/runs/{smokeId}-ok/_manifest.json", await fixture.KeysAsync($"{prefix}/runs/{smokeId}-ok/"));
        var clusters = (await fixture.Deployment.ClustersAsync()).Where(c => c.Name.Contains(smokeId, StringComparison.Ordinal)).ToList();
        Assert.Equal(4, clusters.Count);
        Assert.All(clusters, c => Assert.StartsWith("TERMINATED", c.State, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SmokeScript_BadSetting_OneLineAndExit2()
    {
        var environment = fixture.Environment();
        environment["OneOff__Aws__Emr__ReleaseLabel"] = "emr-6.15.0";

        var run = await ProcessRunner.RunAsync(Script, ["--app", App], environment: environment, timeout: TimeSpan.FromMinutes(2));

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.StdOut);
        var line = Assert.Single(run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("OneOff:Aws:Emr:ReleaseLabel", line, StringComparison.Ordinal);
        Assert.DoesNotContain(await fixture.Deployment.ClustersAsync(), c => c.State is not ("TERMINATED" or "TERMINATED_WITH_ERRORS"));
    }

    [Fact]
    public async Task SmokeScript_NoPublishedApp_OneLineAndExit2()
    {
        var run = await ProcessRunner.RunAsync(Script, ["--app", Path.Combine(Path.GetTempPath(), "no-such-oneoff")], environment: fixture.Environment());

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("smoke.sh: no published dashboard in", line, StringComparison.Ordinal);
    }

    private static string SmokeId(string stdout) => HeaderLine().Match(stdout) is { Success: true } m ? m.Groups["id"].Value : throw new Xunit.Sdk.XunitException("no header line in: " + stdout);

    private static Dictionary<string, (string Verdict, string Detail)> Items(string stdout) =>
        stdout.Split('\n').Select(l => ItemLine().Match(l)).Where(m => m.Success)
            .ToDictionary(m => m.Groups["name"].Value, m => (m.Groups["verdict"].Value, m.Groups["detail"].Value), StringComparer.Ordinal);

    [GeneratedRegex(@"^OneOff smoke run (?<id>smoke-[0-9]{8}-[0-9]{6}-[a-z0-9]{4}): ", RegexOptions.Multiline)]
    private static partial Regex HeaderLine();

    [GeneratedRegex(@"^(?<name>[a-z0-9]+\.[a-z0-9.-]+) +(?<verdict>confirmed|ran on the stand-in|not checkable here|NOT confirmed): (?<detail>.*)$")]
    private static partial Regex ItemLine();
}
