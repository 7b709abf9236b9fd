using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OneOff.Aws.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Aws.Tests.Deploy;

/// <summary>
/// <c>deploy/oneoff.yaml</c> created as a stack in moto (<c>moto_stack.py</c>, boto3 against the shared MotoServer).
/// moto creates the bucket, the VPC and its parts, the roles, the instance profile and the managed policy; it silently
/// skips <c>AWS::Athena::WorkGroup</c> and <c>AWS::Glue::Database</c> (measured), and with them the two outputs that
/// refer to them. The tests say so rather than pretend: those two are asserted absent, so that a moto which starts
/// creating them fails here and the assertion is tightened. The same holds for the bucket's settings: moto applies
/// only its encryption.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed partial class DeployStackMotoTests(MotoServer moto) : IAsyncLifetime
{
    private static readonly string[] SkippedByMoto = ["WorkGroup", "GlueDatabase"];
    private static readonly string[] OutputsOfSkipped = ["OneOffAwsAthenaWorkGroup", "OneOffAwsAthenaDatabase"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await moto.ResetAsync();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task Create_stack_with_a_new_vpc_completes_and_every_output_is_there()
    {
        var template = await DeployTemplate.LoadAsync(Ct);

        var stack = await CreateStackAsync("DeploymentId=ci-1", "Prefix=xo");

        Assert.Equal("CREATE_COMPLETE", stack["status"]!.ToString());
        var outputs = stack["outputs"]!.AsObject();
        var expected = template.Outputs.Select(o => o.Key).Except(OutputsOfSkipped).ToList();
        Assert.Equal(expected.Order(StringComparer.Ordinal), outputs.Select(o => o.Key).Order(StringComparer.Ordinal));
        Assert.All(outputs, o => Assert.False(string.IsNullOrWhiteSpace(o.Value?.ToString()), $"{o.Key} is empty"));

        var bucket = outputs["OneOffAwsBucket"]!.ToString();
        Assert.Equal("ci-1", outputs["OneOffDeploymentId"]!.ToString());
        Assert.Equal("xo", outputs["OneOffAwsPrefix"]!.ToString());
        Assert.Equal($"s3://{bucket}/xo/logs/", outputs["OneOffAwsEmrLogUri"]!.ToString());
        Assert.StartsWith("subnet-", outputs["OneOffAwsEmrSubnetId"]!.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("arn:aws:iam::", outputs["ControlPlanePolicyArn"]!.ToString(), StringComparison.Ordinal);

        var resources = stack["resources"]!.AsObject();
        foreach (var created in new[] { "Bucket", "Vpc", "PublicSubnet", "S3GatewayEndpoint", "EmrServiceRole", "InstanceRole", "InstanceProfile", "ControlPlanePolicy" })
        {
            Assert.True(resources.ContainsKey(created), $"moto did not create {created}");
        }

        Assert.All(SkippedByMoto, skipped => Assert.False(resources.ContainsKey(skipped), $"moto now creates {skipped}: check its outputs too."));

        // Of the bucket's settings moto's CloudFormation applies only the default encryption (measured); the public
        // access block, the lifecycle rules and the bucket policy are checked in the template (DeployTemplateTests).
        var settings = stack["bucket"]!.AsObject();
        Assert.Equal("AES256", settings["encryption"]!["Rules"]![0]!["ApplyServerSideEncryptionByDefault"]!["SSEAlgorithm"]!.ToString());
        foreach (var unapplied in new[] { "publicAccessBlock", "lifecycle", "policy" })
        {
            Assert.True(settings[unapplied] is null, $"moto now applies the bucket's {unapplied}: assert it here.");
        }
    }

    [Fact]
    public async Task Create_stack_with_given_subnets_creates_no_vpc_and_names_the_first_subnet()
    {
        var stack = await CreateStackAsync("DeploymentId=ci-2", "CreateVpc=false", "SubnetIds=subnet-0aaa1111,subnet-0bbb2222", "BucketName=oneoff-ci-2-given");

        Assert.Equal("CREATE_COMPLETE", stack["status"]!.ToString());
        var outputs = stack["outputs"]!.AsObject();
        Assert.Equal("subnet-0aaa1111", outputs["OneOffAwsEmrSubnetId"]!.ToString());
        Assert.Equal("oneoff-ci-2-given", outputs["OneOffAwsBucket"]!.ToString());
        Assert.Equal("oneoff", outputs["OneOffAwsPrefix"]!.ToString());
        var resources = stack["resources"]!.AsObject();
        Assert.False(resources.ContainsKey("Vpc"));
        Assert.False(resources.ContainsKey("PublicSubnet"));
        Assert.True(resources.ContainsKey("ControlPlanePolicy"));
    }

    [Fact]
    public async Task The_readme_command_turns_the_outputs_into_the_OneOff_variables()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "deploy", "README.md"), Ct);
        var query = ReadmeQuery().Match(readme);
        Assert.True(query.Success, "deploy/README.md no longer holds the describe-stacks --query that exports the variables.");

        var stack = await CreateStackAsync(new Dictionary<string, string?> { ["QUERY"] = query.Groups[1].Value }, "DeploymentId=ci-3");

        var pairs = stack["query"]!.AsArray().Select(p => (Name: p![0]!.ToString(), Value: p[1]!.ToString())).ToList();
        var outputs = stack["outputs"]!.AsObject();
        var expected = outputs.Where(o => o.Key.StartsWith("OneOff", StringComparison.Ordinal)).ToList();
        Assert.Equal(expected.Count, pairs.Count);
        Assert.DoesNotContain(pairs, p => p.Value.Contains("arn:aws:iam", StringComparison.Ordinal));
        foreach (var (key, value) in expected)
        {
            var pair = Assert.Single(pairs, p => p.Name.Replace("__", "", StringComparison.Ordinal) == key);
            Assert.StartsWith("OneOff__", pair.Name, StringComparison.Ordinal);
            Assert.Equal(value!.ToString(), pair.Value);
        }
    }

    private Task<JsonObject> CreateStackAsync(params string[] parameters) => CreateStackAsync(null, parameters);

    private async Task<JsonObject> CreateStackAsync(IReadOnlyDictionary<string, string?>? environment, params string[] parameters)
    {
        moto.SkipIfUnavailable();
        var python = await DeployTemplate.PythonWithCfnLintAsync(Ct);
        var result = await ProcessRunner.RunAsync(
            python, [DeployTemplate.ScriptPath("moto_stack.py"), moto.Endpoint.ToString().TrimEnd('/'), DeployTemplate.YamlPath, .. parameters],
            environment: environment, timeout: TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, $"moto_stack.py failed:\n{result.StdErr}");
        return JsonNode.Parse(result.StdOut)!.AsObject();
    }

    [GeneratedRegex(@"--query ""(Stacks\[0\]\.Outputs\[\?starts_with[^""]+)""")]
    private static partial Regex ReadmeQuery();
}
