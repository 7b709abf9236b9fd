using System.Globalization;
using System.Text;
using OneOff.Aws.Clients.Emr;
using OneOff.Aws.Clients.Emr.Models;
using OneOff.Aws.Storage;
using OneOff.Core.Runs;

namespace OneOff.Aws.Compute;

/// <summary>What names a deployment's clusters and where its runs live.</summary>
/// <param name="DeploymentId"><c>OneOff:DeploymentId</c>: tagged on every cluster, so deployments never touch each other's.</param>
/// <param name="Root">The store root (<c>s3://{bucket}/{prefix}</c>): the job's <c>--out</c>, and the default log folder's parent.</param>
public sealed record EmrDeployment(string DeploymentId, S3Root Root);

/// <summary>
/// The <c>RunJobFlow</c> body of one run, as a pure function of the options, the deployment, the run, the bundle
/// and the submission (ARCHITECTURE.md, "The EMR path" item 2); pinned by a golden file and by the JavaScript SDK.
/// </summary>
internal static class EmrClusterRequest
{
    /// <summary>Where the bootstrap action installs the bundle on every node.</summary>
    public const string InstallFolder = "/opt/oneoff";

    /// <summary>The application the cluster runs.</summary>
    public const string Spark = "Spark";

    /// <summary>The cluster's name, <c>oneoff {deploymentId} {runId}</c>: the console shows whose run it is; the runner narrows its search by it.</summary>
    public static string ClusterName(string deploymentId, string runId) => $"oneoff {deploymentId} {runId}";

    /// <summary>
    /// The request for <paramref name="run"/>: a cluster named <c>oneoff {deploymentId} {runId}</c> with Spark, the
    /// bundle's bootstrap action on every node (artifacts URI, install folder, lease minutes), the steps
    /// <c>generate</c> → <c>spark-submit --deploy-mode client driver.py</c> (<c>train</c>) → <c>publish</c> through
    /// <c>command-runner.jar</c>, each terminating the cluster on failure; no keep-alive, no termination protection,
    /// an idle timeout, and the tags the runner and the reaper find it by.
    /// </summary>
    /// <param name="options">Validated EMR options.</param>
    /// <param name="deployment">The deployment.</param>
    /// <param name="run">The run's validated parameters, with its run id.</param>
    /// <param name="artifacts">The uploaded bundle.</param>
    /// <param name="submissionKey">The idempotency key, saved in the run record before the call: after an ambiguous failure the runner looks for a cluster with this tag.</param>
    /// <param name="user">Who started the run.</param>
    /// <param name="now">The time of the submission: the lease expires <see cref="EmrOptions.MaxLifetimeMinutes"/> later.</param>
    /// <exception cref="ArgumentException">The run has no valid run id, or the submission key is empty.</exception>
    public static RunJobFlowRequest Build(
        EmrOptions options, EmrDeployment deployment, RunParameters run, BundleArtifacts artifacts, string submissionKey, string user, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(artifacts);
        ArgumentException.ThrowIfNullOrWhiteSpace(submissionKey);
        ArgumentNullException.ThrowIfNull(user);
        RunKeys.ThrowIfInvalidRunId(run.RunId);

        var root = deployment.Root.ToString();
        var job = $"{InstallFolder}/oneoff-job";
        var leaseExpires = now.ToUniversalTime().AddMinutes(options.MaxLifetimeMinutes);
        var lifetime = options.MaxLifetimeMinutes.ToString(CultureInfo.InvariantCulture);
        return new RunJobFlowRequest
        {
            Name = ClusterName(deployment.DeploymentId, run.RunId),
            LogUri = options.ResolveLogUri(deployment.Root),
            ReleaseLabel = options.ReleaseLabel.Trim().ToLowerInvariant(),
            Instances = new JobFlowInstancesConfig
            {
                InstanceGroups = [.. options.InstanceGroups.Select(g => new InstanceGroupConfig
                {
                    Name = g.Role.ToString().ToLowerInvariant(),
                    Market = g.Market,
                    InstanceRole = g.ApiRole,
                    InstanceType = g.InstanceType,
                    InstanceCount = g.Count,
                })],
                KeepJobFlowAliveWhenNoSteps = false,
                TerminationProtected = false,
                Ec2SubnetId = string.IsNullOrWhiteSpace(options.SubnetId) ? null : options.SubnetId.Trim(),
            },
            Steps =
            [
                Step(EmrStepNames.Generate, [job, "generate", "--out", root, .. RunParameterParser.ToArguments(run)]),
                Step(EmrStepNames.Train,
                [
                    "spark-submit", "--deploy-mode", "client", $"{InstallFolder}/driver.py",
                    "--out", root, "--run-id", run.RunId,
                    "--hidden", RunParameterParser.Format(RunParameterTable.HiddenSizes, run),
                    "--install", InstallFolder,
                ]),
                Step(EmrStepNames.Publish, [job, "publish", "--out", root, "--run-id", run.RunId]),
            ],
            BootstrapActions =
            [
                new BootstrapActionConfig
                {
                    Name = "install oneoff-job",
                    ScriptBootstrapAction = new ScriptBootstrapActionConfig
                    {
                        Path = artifacts.BootstrapScriptUri,
                        Args = [artifacts.Folder, InstallFolder, lifetime],
                    },
                },
            ],
            Applications = [new Application { Name = Spark }],
            VisibleToAllUsers = true,
            JobFlowRole = options.JobFlowRole?.Trim(),
            ServiceRole = options.ServiceRole?.Trim(),
            Tags =
            [
                Tag(EmrTags.Deployment, deployment.DeploymentId),
                Tag(EmrTags.RunId, run.RunId),
                Tag(EmrTags.Submission, submissionKey),
                Tag(EmrTags.LeaseExpires, EmrTags.FormatTime(leaseExpires)),
                Tag(EmrTags.User, user),
                Tag(EmrTags.ManagedPolicies, "true"),
            ],
            AutoTerminationPolicy = new AutoTerminationPolicy { IdleTimeout = options.IdleTimeoutSeconds },
        };
    }

    private static StepConfig Step(string name, IReadOnlyList<string> args) => new()
    {
        Name = name,
        ActionOnFailure = EmrActionOnFailure.TerminateCluster,
        HadoopJarStep = new HadoopJarStepConfig { Jar = "command-runner.jar", Args = args },
    };

    private static Tag Tag(string key, string value) => new() { Key = key, Value = EmrTags.SafeValue(value) };
}

/// <summary>The names of a run's three steps, in the order they run.</summary>
public static class EmrStepNames
{
    /// <summary>Writes the train and test data and <c>_parameters.json</c>.</summary>
    public const string Generate = "generate";

    /// <summary>The PySpark driver: one task per hidden size.</summary>
    public const string Train = "train";

    /// <summary>Checks every size and writes <c>_manifest.json</c>.</summary>
    public const string Publish = "publish";

    /// <summary>The steps in order.</summary>
    public static IReadOnlyList<string> InOrder { get; } = [Generate, Train, Publish];
}

/// <summary>The tags on every cluster OneOff starts, and how their values are written and read back.</summary>
public static class EmrTags
{
    /// <summary><c>OneOff:DeploymentId</c>: the reaper touches only its own deployment's clusters.</summary>
    public const string Deployment = "oneoff:deployment";

    /// <summary>The run the cluster belongs to.</summary>
    public const string RunId = "oneoff:run-id";

    /// <summary>The submission's idempotency key (RunJobFlow has no client token).</summary>
    public const string Submission = "oneoff:submission";

    /// <summary>When the cluster's lease ends (UTC, ISO 8601: <c>2026-12-01T14:00:00Z</c>).</summary>
    public const string LeaseExpires = "oneoff:lease-expires";

    /// <summary>Who started the run.</summary>
    public const string User = "oneoff:user";

    /// <summary>
    /// Required on clusters whose service role uses EMR's v2 managed policy (<c>AmazonEMRServicePolicy_v2</c>
    /// allows its EC2 actions only on resources with this tag: EMR Management Guide, "Service role for Amazon EMR").
    /// </summary>
    public const string ManagedPolicies = "for-use-with-amazon-emr-managed-policies";

    /// <summary>The longest tag value EMR accepts.</summary>
    public const int MaxValueLength = 256;

    /// <summary>A time as the lease tag writes it: UTC, whole seconds, <c>yyyy-MM-ddTHH:mm:ssZ</c>.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads <see cref="FormatTime"/>'s form (any ISO 8601 time with an offset is accepted); null otherwise.</summary>
    public static DateTimeOffset? ParseTime(string? text) =>
        text is not null && text.Contains('T', StringComparison.Ordinal)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;

    /// <summary>
    /// A value EMR accepts: letters, digits, spaces and <c>_ . : / = + - @</c> (AWS tagging rules, "Tag naming
    /// limits and requirements"), anything else as '_', at most <see cref="MaxValueLength"/> characters.
    /// </summary>
    public static string SafeValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder(Math.Min(value.Length, MaxValueLength));
        foreach (var rune in value.EnumerateRunes())
        {
            if (text.Length + rune.Utf16SequenceLength > MaxValueLength)
            {
                break;
            }

            var allowed = Rune.IsLetterOrDigit(rune) || rune.Value is ' ' or '_' or '.' or ':' or '/' or '=' or '+' or '-' or '@';
            text.Append(allowed ? rune.ToString() : "_");
        }

        return text.ToString();
    }

    /// <summary>The value of tag <paramref name="key"/>, or null.</summary>
    internal static string? Find(IEnumerable<Tag>? tags, string key) =>
        tags?.FirstOrDefault(t => string.Equals(t.Key, key, StringComparison.Ordinal))?.Value;
}
