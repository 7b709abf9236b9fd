using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OneOff.Aws.Compute;
using OneOff.Core.Runs;
using OneOff.Testing;

namespace OneOff.Aws.Tests.Deploy;

/// <summary>
/// <c>deploy/oneoff.yaml</c> without an account: cfn-lint passes it, and its policies are read out of it and checked
/// against what OneOff's code sends (the EMR and Athena targets of its clients, the S3 calls of <c>S3ObjectStore</c>,
/// what <c>bootstrap.sh</c> and the job read and write). Resources are compared as <c>Fn::Sub</c> text
/// (<see cref="DeployTemplate.Render"/>), so <c>${Prefix}</c> stands for whatever prefix the stack is given.
/// </summary>
public sealed partial class DeployTemplateTests
{
    private const string Cluster = "arn:${AWS::Partition}:elasticmapreduce:${AWS::Region}:${AWS::AccountId}:cluster/j-1ABCDEFGHIJK";
    private const string WorkGroup = "arn:${AWS::Partition}:athena:${AWS::Region}:${AWS::AccountId}:workgroup/${WorkGroup}";
    private const string BucketArn = "${Bucket.Arn}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cfn_lint_passes_the_template_without_errors_or_warnings()
    {
        var python = await DeployTemplate.PythonWithCfnLintAsync(Ct);

        var result = await ProcessRunner.RunAsync(python, ["-c", "import sys; from cfnlint.runner import main; sys.exit(main())", DeployTemplate.YamlPath], timeout: TimeSpan.FromMinutes(3));

        Assert.True(result.ExitCode == 0, $"cfn-lint exit {result.ExitCode}:\n{result.StdOut}\n{result.StdErr}");
        Assert.Equal("", result.StdOut.Trim());
    }

    [Fact]
    public async Task Each_OneOff_output_is_named_after_its_configuration_key_and_describes_its_variable()
    {
        var template = await DeployTemplate.LoadAsync(Ct);

        var keys = template.Outputs.Where(o => o.Key.StartsWith("OneOff", StringComparison.Ordinal)).ToList();
        Assert.Equal(10, keys.Count);
        foreach (var (name, output) in keys)
        {
            var variable = output!["Description"]!.ToString();
            Assert.Matches("^OneOff(__[A-Z][A-Za-z]+)+$", variable);
            Assert.Equal(name, variable.Replace("__", "", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_control_plane_policy_allows_every_operation_the_clients_and_the_store_send()
    {
        var template = await DeployTemplate.LoadAsync(Ct);
        var statements = template.Statements("ControlPlanePolicy");

        var operations = ClientOperations().Concat(StoreOperations()).ToList();
        Assert.Contains(operations, o => o.Action == "elasticmapreduce:RunJobFlow");
        Assert.Contains(operations, o => o.Action == "athena:StartQueryExecution");
        Assert.Contains(operations, o => o.Action == "s3:PutObject");
        foreach (var (action, resource) in operations)
        {
            Assert.True(statements.Any(s => s.Allows(action, resource)), $"No statement of ControlPlanePolicy allows {action} on {resource}.");
        }
    }

    [Fact]
    public async Task Moto_iam_enforcement_lets_a_resource_star_copy_of_the_policy_make_every_call_and_no_other()
    {
        // moto checks action names only (it ignores conditions and wrongly denies resource-scoped statements), so the
        // copy keeps the template's actions with Resource "*": this proves the action names, the tests above the scopes.
        var template = await DeployTemplate.LoadAsync(Ct);
        var python = await DeployTemplate.PythonWithCfnLintAsync(Ct);
        var probe = await ProcessRunner.RunAsync(python, ["-c", "import moto"], timeout: TimeSpan.FromSeconds(60));
        if (probe.ExitCode != 0)
        {
            Assert.Skip($"moto is not installed for {python}");
        }

        var policyActions = template.Statements("ControlPlanePolicy").SelectMany(s => s.Actions).Distinct().Order(StringComparer.Ordinal).ToList();
        var star = new JsonObject
        {
            ["Version"] = "2012-10-17",
            ["Statement"] = new JsonArray(new JsonObject
            {
                ["Effect"] = "Allow",
                ["Action"] = new JsonArray([.. policyActions.Select(a => (JsonNode)a)]),
                ["Resource"] = "*",
            }),
        };
        var needed = ClientOperations().Concat(StoreOperations()).Select(o => o.Action).Distinct().ToList();
        string[] controls = ["elasticmapreduce:ListSecurityConfigurations", "s3:CreateBucket"];

        var result = await ProcessRunner.RunAsync(
            python, [DeployTemplate.ScriptPath("moto_iam_actions.py"), .. needed, .. controls], stdin: star.ToJsonString(), timeout: TimeSpan.FromMinutes(2));

        Assert.True(result.ExitCode == 0, $"moto_iam_actions.py failed:\n{result.StdErr}");
        var outcome = JsonNode.Parse(result.StdOut)!.AsObject();
        string[] Names(string key) => [.. outcome[key]!.AsArray().Select(n => n!.ToString())];
        Assert.True(Names("unknown").Length == 0, $"moto_iam_actions.py has no call for {string.Join(", ", Names("unknown"))}: add one.");
        Assert.Equal(controls, Names("denied"));
        Assert.Equal(needed.Order(StringComparer.Ordinal), Names("allowed").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_control_plane_policy_has_no_wildcard_action_and_conditions_every_star_resource()
    {
        var template = await DeployTemplate.LoadAsync(Ct);
        var statements = template.Statements("ControlPlanePolicy");

        Assert.All(statements, s => Assert.Equal("Allow", s.Effect));
        Assert.All(statements.SelectMany(s => s.Actions), a => Assert.DoesNotContain("*", a, StringComparison.Ordinal));
        Assert.All(statements.Where(s => s.Resources.Contains("*")), s => Assert.True(s.Condition.Count > 0, $"{s.Sid}: resource * without a condition."));

        // Nothing outside the deployment: another prefix, another workgroup, another database, other roles.
        string[] outside =
        [
            $"{BucketArn}/other/runs/x/_manifest.json", $"{BucketArn}/oneoff-other/x", "arn:aws:s3:::another-bucket/oneoff/x",
            "arn:${AWS::Partition}:athena:${AWS::Region}:${AWS::AccountId}:workgroup/primary",
            "arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:database/default",
            "arn:aws:iam::123456789012:role/Admin",
        ];
        foreach (var resource in outside)
        {
            Assert.DoesNotContain(statements, s => s.Resources.Contains("*") is false && s.Resources.Any(r => DeployTemplate.Matches(r, resource)));
        }
    }

    [Fact]
    public async Task RunJobFlow_needs_the_deployment_request_tag_and_TerminateJobFlows_the_resource_tag()
    {
        var template = await DeployTemplate.LoadAsync(Ct);
        var statements = template.Statements("ControlPlanePolicy");

        var run = Assert.Single(statements, s => s.Actions.Contains("elasticmapreduce:RunJobFlow"));
        Assert.Equal(["${DeploymentId}"], run.ConditionValues("StringEquals", $"aws:RequestTag/{EmrTags.Deployment}"));
        var allowedKeys = run.ConditionValues("ForAllValues:StringEquals", "aws:TagKeys");
        var tagKeys = typeof(EmrTags).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.Contains(EmrTags.Deployment, tagKeys);
        Assert.Equal(tagKeys.Order(StringComparer.Ordinal), allowedKeys.Order(StringComparer.Ordinal));

        foreach (var action in new[] { "elasticmapreduce:TerminateJobFlows", "elasticmapreduce:AddJobFlowSteps" })
        {
            var statement = Assert.Single(statements, s => s.Actions.Contains(action));
            Assert.Equal(["${DeploymentId}"], statement.ConditionValues("StringEquals", $"aws:ResourceTag/{EmrTags.Deployment}"));
            Assert.DoesNotContain("*", statement.Resources);
        }
    }

    [Fact]
    public async Task PassRole_is_only_for_the_two_roles_and_only_to_EMR()
    {
        var template = await DeployTemplate.LoadAsync(Ct);
        var passes = template.Statements("ControlPlanePolicy").Where(s => s.Actions.Contains("iam:PassRole")).ToList();

        Assert.Equal(["${EmrServiceRole.Arn}", "${InstanceRole.Arn}"], passes.SelectMany(s => s.Resources).Order(StringComparer.Ordinal));
        Assert.All(passes, s => Assert.Equal(["iam:PassRole"], s.Actions));
        Assert.All(passes, s => Assert.Contains("elasticmapreduce.amazonaws.com", s.ConditionValues("StringEquals", "iam:PassedToService")));
        Assert.All(passes, s => Assert.All(s.ConditionValues("StringEquals", "iam:PassedToService"),
            service => Assert.Contains(service, new[] { "elasticmapreduce.amazonaws.com", "ec2.amazonaws.com" })));
    }

    [Fact]
    public async Task The_instance_role_covers_bootstrap_the_job_and_log_push_and_nothing_under_another_prefix()
    {
        var template = await DeployTemplate.LoadAsync(Ct);
        var statements = template.Statements("InstanceRole");
        string Object(string key) => $"{BucketArn}/${{Prefix}}/{key}";

        // bootstrap.sh copies each file it installs from the artifacts URI it is given (aws s3 cp "$artifacts/…").
        var bootstrap = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "src", "Jobs", "emr", JobBundle.BootstrapScript), Ct);
        var copies = AwsS3Call().Matches(bootstrap).ToList();
        Assert.NotEmpty(copies);
        Assert.All(copies, c => Assert.StartsWith("cp \"$artifacts/", c.Value, StringComparison.Ordinal));
        Assert.True(statements.Any(s => s.Allows("s3:GetObject", Object("artifacts/0123abcd/driver.py"))), "bootstrap.sh cannot read the artifacts.");

        // The job reads and writes the run through S3ObjectStore: the same calls as the control plane's store, on runs/.
        var runObject = Object(RunKeys.Manifest("abc123"));
        foreach (var (action, resource) in StoreOperations())
        {
            var onRuns = resource == BucketArn ? resource : runObject;
            Assert.True(statements.Any(s => s.Allows(action, onRuns)), $"The job cannot {action} on {onRuns}.");
        }

        var list = Assert.Single(statements, s => s.Actions.Contains("s3:ListBucket"));
        Assert.Contains(list.ConditionValues("StringLike", "s3:prefix"), p => DeployTemplate.Matches(p, "${Prefix}/" + RunKeys.Run("abc123")));
        Assert.All(list.ConditionValues("StringLike", "s3:prefix"), p => Assert.Matches(@"^\$\{Prefix\}/(artifacts|runs|logs)/\*$", p));

        // EMR pushes each node's logs to the cluster's LogUri ({prefix}/logs/ by default) with the instance role.
        Assert.Contains(statements, s => s.Allows("s3:PutObject", Object("logs/j-1ABCDEFGHIJK/node/i-0abc/applications/spark/stderr.gz")));

        // And nothing more: S3 only, objects only under the three prefixes, artifacts and logs not both ways.
        Assert.All(statements.SelectMany(s => s.Actions), a => Assert.StartsWith("s3:", a, StringComparison.Ordinal));
        Assert.All(statements.SelectMany(s => s.Resources), r => Assert.Matches(@"^\$\{Bucket\.Arn\}(/\$\{Prefix\}/(artifacts|runs|logs)/\*)?$", r));
        Assert.DoesNotContain(statements, s => s.Allows("s3:PutObject", Object("artifacts/0123abcd/driver.py")));
        Assert.DoesNotContain(statements, s => s.Allows("s3:DeleteObject", Object("artifacts/0123abcd/driver.py")));
        Assert.DoesNotContain(statements, s => s.Allows("s3:GetObject", Object("logs/j-1ABCDEFGHIJK/x.gz")));
        Assert.DoesNotContain(statements, s => s.Allows("s3:GetObject", Object("athena-results/q.csv")));
        Assert.DoesNotContain(statements, s => s.Allows("s3:GetObject", $"{BucketArn}/other/runs/abc123/_manifest.json"));
    }

    [Fact]
    public async Task The_bucket_workgroup_network_and_service_role_are_configured_as_the_brief_says()
    {
        var template = await DeployTemplate.LoadAsync(Ct);
        var resources = template.Resources;

        var bucket = resources["Bucket"]!.AsObject();
        Assert.Equal("Retain", bucket["DeletionPolicy"]!.ToString());
        var props = bucket["Properties"]!.AsObject();
        var block = props["PublicAccessBlockConfiguration"]!.AsObject();
        Assert.Equal(["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"], block.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.All(block, p => Assert.True(p.Value!.GetValue<bool>(), p.Key));
        Assert.Contains(props["BucketEncryption"]!["ServerSideEncryptionConfiguration"]![0]!["ServerSideEncryptionByDefault"]!["SSEAlgorithm"]!.ToString(), new[] { "AES256", "aws:kms" });
        var rules = props["LifecycleConfiguration"]!["Rules"]!.AsArray().Select(r => r!.AsObject()).ToList();
        Assert.Contains(rules, r => DeployTemplate.Render(r["Prefix"]) == "${Prefix}/logs/" && DeployTemplate.Render(r["ExpirationInDays"]) == "${LogRetentionDays}");
        Assert.Contains(rules, r => DeployTemplate.Render(r["Prefix"]) == "${Prefix}/athena-results/" && DeployTemplate.Render(r["ExpirationInDays"]) == "${ResultRetentionDays}");
        Assert.Contains(rules, r => r["Prefix"] is null && r["AbortIncompleteMultipartUpload"] is not null);
        Assert.DoesNotContain(rules, r => r["ExpirationInDays"] is not null && r["Prefix"] is null);

        var tls = Assert.Single(template.Statements("BucketPolicy"));
        Assert.Equal("Deny", tls.Effect);
        Assert.Equal(["false"], tls.ConditionValues("Bool", "aws:SecureTransport"));
        Assert.Equal([BucketArn, $"{BucketArn}/*"], tls.Resources);

        var workGroup = resources["WorkGroup"]!["Properties"]!["WorkGroupConfiguration"]!.AsObject();
        Assert.True(workGroup["EnforceWorkGroupConfiguration"]!.GetValue<bool>());
        Assert.True(workGroup["PublishCloudWatchMetricsEnabled"]!.GetValue<bool>());
        Assert.Equal("Athena engine version 3", workGroup["EngineVersion"]!["SelectedEngineVersion"]!.ToString());
        Assert.Equal("${AthenaBytesScannedCutoff}", DeployTemplate.Render(workGroup["BytesScannedCutoffPerQuery"]));
        Assert.Equal("s3://${Bucket}/${Prefix}/athena-results/", DeployTemplate.Render(workGroup["ResultConfiguration"]!["OutputLocation"]));

        foreach (var tagged in new[] { "Vpc", "PublicSubnet" })
        {
            Assert.Equal("MakeVpc", resources[tagged]!["Condition"]!.ToString());
            Assert.Contains(resources[tagged]!["Properties"]!["Tags"]!.AsArray(),
                t => t!["Key"]!.ToString() == EmrTags.ManagedPolicies && t["Value"]!.ToString() == "true");
        }

        Assert.Equal("Gateway", resources["S3GatewayEndpoint"]!["Properties"]!["VpcEndpointType"]!.ToString());

        var service = resources["EmrServiceRole"]!["Properties"]!.AsObject();
        Assert.Equal(["arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2"], service["ManagedPolicyArns"]!.AsArray().Select(DeployTemplate.Render));
        var trust = DeployTemplate.Statement.From(service["AssumeRolePolicyDocument"]!["Statement"]![0]!.AsObject());
        Assert.Equal(["${AWS::AccountId}"], trust.ConditionValues("StringEquals", "aws:SourceAccount"));
        Assert.Equal("elasticmapreduce.amazonaws.com", service["AssumeRolePolicyDocument"]!["Statement"]![0]!["Principal"]!["Service"]!.ToString());
    }

    /// <summary>Each operation EmrClient and AthenaClient can send (their <c>SendAsync("Target", …)</c> calls), with a resource it acts on.</summary>
    private static IEnumerable<(string Action, string Resource)> ClientOperations()
    {
        var emr = Targets("Emr/EmrClient.cs");
        var athena = Targets("Athena/AthenaClient.cs");
        Assert.True(emr.Count >= 9, $"Found only {emr.Count} EMR targets: the scan no longer matches EmrClient.");
        Assert.True(athena.Count >= 4, $"Found only {athena.Count} Athena targets: the scan no longer matches AthenaClient.");

        // RunJobFlow and ListClusters have no resource type (Service Authorization Reference, Amazon EMR on EC2).
        foreach (var target in emr)
        {
            yield return ($"elasticmapreduce:{target}", target is "RunJobFlow" or "ListClusters" ? "*" : Cluster);
        }

        foreach (var target in athena)
        {
            yield return ($"athena:{target}", WorkGroup);
        }

        // /healthz (ARCHITECTURE, "Athena") calls GetWorkGroup, which the client may not send yet.
        yield return ("athena:GetWorkGroup", WorkGroup);
    }

    private static List<string> Targets(string client)
    {
        var source = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Aws", "Clients", client));
        return [.. SendTarget().Matches(source).Select(m => m.Groups[1].Value).Distinct()];
    }

    /// <summary>Each S3 call of S3ObjectStore as the IAM action it needs, on an object under the prefix or on the bucket.</summary>
    private static IEnumerable<(string Action, string Resource)> StoreOperations()
    {
        var actions = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["GetObject"] = "s3:GetObject",
            ["GetObjectMetadata"] = "s3:GetObject", // HeadObject
            ["PutObject"] = "s3:PutObject",
            ["DeleteObjects"] = "s3:DeleteObject", // checked per key
            ["ListObjectsV2"] = "s3:ListBucket",
        };
        var source = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Aws", "Storage", "S3ObjectStore.cs"));
        var calls = S3Call().Matches(source).Select(m => m.Groups[1].Value).Where(c => c != "Dispose").Distinct().ToList();
        Assert.True(calls.Count >= 4, $"Found only {calls.Count} S3 calls: the scan no longer matches S3ObjectStore.");
        foreach (var call in calls)
        {
            Assert.True(actions.TryGetValue(call, out var action), $"S3ObjectStore calls {call}: add the IAM action it needs to this map and to the template.");
            yield return (action, action == "s3:ListBucket" ? BucketArn : $"{BucketArn}/${{Prefix}}/runs/abc123/_manifest.json");
        }
    }

    [GeneratedRegex(@"SendAsync\(""(\w+)""")]
    private static partial Regex SendTarget();

    [GeneratedRegex(@"_s3\.(?:Paginators\.)?(\w+?)(?:Async)?\(")]
    private static partial Regex S3Call();

    [GeneratedRegex(@"(?<=\baws s3 )\w+ ""\$\w+/")]
    private static partial Regex AwsS3Call();
}
