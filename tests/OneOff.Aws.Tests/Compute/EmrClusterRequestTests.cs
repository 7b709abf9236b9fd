using System.Text.Json;
using System.Text.Json.Nodes;
using OneOff.Aws.Clients.Emr;
using OneOff.Aws.Clients.Emr.Models;
using OneOff.Aws.Compute;
using OneOff.Aws.Storage;
using OneOff.Core.Runs;
using OneOff.Testing;

namespace OneOff.Aws.Tests.Compute;

/// <summary>
/// The fixed input of the golden <c>RunJobFlow</c> body: shared by the golden test and the JavaScript SDK and boto3
/// conformance cases (<c>emr-run-built</c>), so all three pin the same request.
/// </summary>
internal static class EmrGoldenRun
{
    public static readonly DateTimeOffset Now = new(2026, 12, 1, 11, 0, 0, TimeSpan.Zero);

    public static EmrOptions Options => new()
    {
        ServiceRole = "oneoff-prod-EmrServiceRole",
        JobFlowRole = "oneoff-prod-EmrInstanceProfile",
        SubnetId = "subnet-0123456789abcdef0",
        CoreInstanceCount = 2,
        TaskInstanceCount = 1,
        TaskMarket = "spot",
        Prices = new(StringComparer.OrdinalIgnoreCase) { ["m7g.xlarge"] = new() { Ec2PerHour = 0.1632m, EmrPerHour = 0.0408m } },
    };

    public static EmrDeployment Deployment => new("prod", new S3Root("oneoff-data", "team/oneoff/"));

    public static RunParameters Run => new() { RunId = "20261201-110000-ab12", TrainSize = 2000, HiddenSizes = [5, 30, 100], MaxIter = 50 };

    public static BundleArtifacts Artifacts => new(
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "s3://oneoff-data/team/oneoff/artifacts/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08/");

    public const string SubmissionKey = "20261201-110000-ab12.1";

    public const string User = "zoë <ops>";

    public static RunJobFlowRequest Request() =>
        EmrClusterRequest.Build(Options, Deployment, Run, Artifacts, SubmissionKey, User, Now);

    /// <summary>The body as OneOff sends it (compact, the wire bytes).</summary>
    public static string WireJson() => JsonSerializer.Serialize(Request(), EmrJsonContext.Wire.RunJobFlowRequest);
}

public sealed class EmrClusterRequestTests
{
    private static readonly string s_golden = Path.Combine(RepoPaths.Root, "tests", "OneOff.Aws.Tests", "Compute", "golden", "run-job-flow.json");

    [Fact]
    public void Build_FixedInput_MatchesTheGoldenFile()
    {
        var actual = JsonNode.Parse(EmrGoldenRun.WireJson());
        if (Environment.GetEnvironmentVariable("ONEOFF_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(s_golden, actual!.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
        }

        var expected = JsonNode.Parse(File.ReadAllText(s_golden));

        Assert.Null(JsonComparison.FirstDifference(expected, actual));
        Assert.Equal(expected!.ToJsonString(), actual!.ToJsonString());
    }

    [Fact]
    public void Build_Steps_GenerateThenClientModeSparkSubmitThenPublish_EachTerminatesTheCluster()
    {
        var request = EmrGoldenRun.Request();

        var steps = request.Steps!;
        Assert.Equal(["generate", "train", "publish"], steps.Select(s => s.Name));
        Assert.All(steps, s => Assert.Equal("TERMINATE_CLUSTER", s.ActionOnFailure));
        Assert.All(steps, s => Assert.Equal("command-runner.jar", s.HadoopJarStep.Jar));
        Assert.Equal(["spark-submit", "--deploy-mode", "client", "/opt/oneoff/driver.py"], steps[1].HadoopJarStep.Args!.Take(4));
        Assert.Equal(["/opt/oneoff/oneoff-job", "publish", "--out", "s3://oneoff-data/team/oneoff", "--run-id", "20261201-110000-ab12"], steps[2].HadoopJarStep.Args);
        Assert.False(request.Instances.KeepJobFlowAliveWhenNoSteps);
        Assert.False(request.Instances.TerminationProtected);
    }

    [Fact]
    public void Build_GenerateArguments_ParseBackToTheRunsParameters()
    {
        var args = EmrGoldenRun.Request().Steps![0].HadoopJarStep.Args!;

        Assert.Equal(["/opt/oneoff/oneoff-job", "generate", "--out", "s3://oneoff-data/team/oneoff"], args.Take(4));
        var flags = RunParameterTable.All.ToDictionary(p => p.Flag, p => p.Key, StringComparer.Ordinal);
        var raw = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 4; i < args.Count; i += 2)
        {
            raw[flags[args[i]]] = args[i + 1];
        }

        var parsed = RunParameterParser.Parse(raw);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors.Select(e => e.ForCli())));
        Assert.Equal(EmrGoldenRun.Run, parsed.Parameters);
    }

    [Fact]
    public void Build_DriverArguments_NameTheRunItsSizesAndTheInstallFolder()
    {
        var args = EmrGoldenRun.Request().Steps![1].HadoopJarStep.Args!;

        Assert.Equal(
            ["--out", "s3://oneoff-data/team/oneoff", "--run-id", "20261201-110000-ab12", "--hidden", "5,30,100", "--install", "/opt/oneoff"],
            args.Skip(4));
    }

    [Fact]
    public void Build_DriverFlags_AreTheOnesDriverPyDeclares()
    {
        var driver = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Jobs", "emr", "driver.py"));
        var args = EmrGoldenRun.Request().Steps![1].HadoopJarStep.Args!;

        var flags = args.Skip(4).Where(a => a.StartsWith("--", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(flags);
        Assert.All(flags, flag => Assert.Contains($"add_argument(\"{flag}\"", driver, StringComparison.Ordinal));
    }

    [Fact]
    public void Build_Tags_NameTheDeploymentRunSubmissionLeaseAndUser()
    {
        var options = EmrGoldenRun.Options;
        options.MaxLifetimeMinutes = 180;

        var request = EmrClusterRequest.Build(options, EmrGoldenRun.Deployment, EmrGoldenRun.Run, EmrGoldenRun.Artifacts, "key-1", "ann", new DateTimeOffset(2026, 12, 1, 12, 0, 0, 250, TimeSpan.FromHours(1)));

        var tags = request.Tags!.ToDictionary(t => t.Key!, t => t.Value);
        Assert.Equal("prod", tags[EmrTags.Deployment]);
        Assert.Equal("20261201-110000-ab12", tags[EmrTags.RunId]);
        Assert.Equal("key-1", tags[EmrTags.Submission]);
        Assert.Equal("2026-12-01T14:00:00Z", tags[EmrTags.LeaseExpires]);
        Assert.Equal("ann", tags[EmrTags.User]);
        Assert.Equal("true", tags["for-use-with-amazon-emr-managed-policies"]);
        Assert.Equal("oneoff prod 20261201-110000-ab12", request.Name);
        Assert.Equal(["s3://oneoff-data/team/oneoff/artifacts/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08/", "/opt/oneoff", "180"], request.BootstrapActions![0].ScriptBootstrapAction.Args);
    }

    [Fact]
    public void Build_DefaultOptions_PrimaryAndOneCoreNodeLogsUnderTheRootNoSubnet()
    {
        var options = new EmrOptions { ServiceRole = "s", JobFlowRole = "j" };

        var request = EmrClusterRequest.Build(options, EmrGoldenRun.Deployment, EmrGoldenRun.Run, EmrGoldenRun.Artifacts, "k", "u", EmrGoldenRun.Now);

        Assert.Equal([("MASTER", "m7g.xlarge", 1), ("CORE", "m7g.xlarge", 1)], request.Instances.InstanceGroups!.Select(g => (g.InstanceRole, g.InstanceType, g.InstanceCount)));
        Assert.Equal("s3://oneoff-data/team/oneoff/logs/", request.LogUri);
        Assert.Null(request.Instances.Ec2SubnetId);
        Assert.Equal(600, request.AutoTerminationPolicy!.IdleTimeout);
        Assert.Equal("emr-7.13.0", request.ReleaseLabel);
    }

    [Fact]
    public void Build_LogUriAsS3n_IsSentAsS3Folder()
    {
        var options = EmrGoldenRun.Options;
        options.LogUri = "s3n://other-logs/emr";

        var request = EmrClusterRequest.Build(options, EmrGoldenRun.Deployment, EmrGoldenRun.Run, EmrGoldenRun.Artifacts, "k", "u", EmrGoldenRun.Now);

        Assert.Equal("s3://other-logs/emr/", request.LogUri);
    }

    [Fact]
    public void Build_RunWithoutRunId_IsRefused()
    {
        var run = EmrGoldenRun.Run with { RunId = "" };

        Assert.Throws<ArgumentException>(() => EmrClusterRequest.Build(EmrGoldenRun.Options, EmrGoldenRun.Deployment, run, EmrGoldenRun.Artifacts, "k", "u", EmrGoldenRun.Now));
    }

    [Theory]
    [InlineData("ann", "ann")]
    [InlineData("zoë <ops>", "zoë _ops_")]
    [InlineData("a.b@example.com", "a.b@example.com")]
    [InlineData("x;y\"z", "x_y_z")]
    public void SafeValue_KeepsWhatEmrAcceptsReplacesTheRest(string value, string expected)
    {
        Assert.Equal(expected, EmrTags.SafeValue(value));
    }

    [Fact]
    public void SafeValue_LongValue_IsCutAt256()
    {
        Assert.Equal(256, EmrTags.SafeValue(new string('a', 300)).Length);
    }

    [Fact]
    public void LeaseTag_RoundTrips()
    {
        var time = new DateTimeOffset(2026, 12, 1, 14, 0, 0, TimeSpan.Zero);

        Assert.Equal(time, EmrTags.ParseTime(EmrTags.FormatTime(time)));
        Assert.Null(EmrTags.ParseTime("tomorrow"));
        Assert.Null(EmrTags.ParseTime(null));
    }
}
