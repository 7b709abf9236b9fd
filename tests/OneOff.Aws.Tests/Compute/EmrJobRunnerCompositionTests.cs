using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Aws.Compute;
using OneOff.Core.Compute;
using OneOff.Core.Configuration;
using OneOff.Testing;

namespace OneOff.Aws.Tests.Compute;

/// <summary><see cref="EmrJobRunner"/> as <see cref="AwsServiceCollectionExtensions"/> composes it.</summary>
public sealed class EmrJobRunnerCompositionTests
{
    private static ServiceProvider Build(bool asJobRunner, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OneOff:Aws:Region"] = "eu-west-1",
            ["OneOff:Aws:Bucket"] = "oneoff-data",
            ["OneOff:Aws:Emr:ServiceRole"] = "EMR_DefaultRole_V2",
            ["OneOff:Aws:Emr:JobFlowRole"] = "EMR_EC2_DefaultRole",
        }.Concat(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddOneOffCore().AddOneOffAws();
        if (asJobRunner)
        {
            services.AddOneOffAwsJobRunner();
        }

        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddOneOffAws_AddsTheRunnerAsItselfOnly_AddOneOffAwsJobRunnerMakesItTheJobRunner()
    {
        using var bundle = JobBundleSource.Placeholder();
        using var plain = Build(asJobRunner: false);
        using var wired = Build(asJobRunner: true, ("OneOff:Aws:Emr:BundleFolder", bundle.Path));

        Assert.NotNull(plain.GetRequiredService<EmrJobRunner>());
        Assert.Null(plain.GetService<IJobRunner>());
        Assert.Same(wired.GetRequiredService<EmrJobRunner>(), wired.GetRequiredService<IJobRunner>());
    }

    [Fact]
    public void AddOneOffAwsJobRunner_NoBundle_FailsInOneLineNamingTheFolderAndTheBuildCommand()
    {
        using var empty = new TempFolder();
        using var wired = Build(asJobRunner: true, ("OneOff:Aws:Emr:BundleFolder", empty.Path));

        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => wired.GetRequiredService<Microsoft.Extensions.Options.IOptions<EmrJobRunnerOptions>>().Value);

        var message = Assert.Single(e.Failures);
        Assert.Contains($"The job bundle in '{empty.Path}' is incomplete (missing job/linux-arm64/oneoff-job, job/linux-x64/oneoff-job, driver.py, bootstrap.sh)", message, StringComparison.Ordinal);
        Assert.Contains(JobBundle.BuildCommand, message, StringComparison.Ordinal);
        Assert.Contains("OneOff:Aws:Emr:BundleFolder", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void AddOneOffAws_WithoutTheRunner_NeedsNoBundle()
    {
        using var empty = new TempFolder();
        using var plain = Build(asJobRunner: false, ("OneOff:Aws:Emr:BundleFolder", empty.Path));

        Assert.Equal(empty.Path, plain.GetRequiredService<Microsoft.Extensions.Options.IOptions<EmrJobRunnerOptions>>().Value.EffectiveBundleFolder);
    }

    [Fact]
    public void AddOneOffAws_PollSecondsAndBundleFolder_BindFromTheEmrSection()
    {
        using var services = Build(false, ("OneOff:Aws:Emr:PollSeconds", "20"), ("OneOff:Aws:Emr:BundleFolder", "/srv/bundle"));

        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EmrJobRunnerOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(20), options.PollInterval);
        Assert.Equal("/srv/bundle", options.EffectiveBundleFolder);
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "bundle"), new EmrJobRunnerOptions().EffectiveBundleFolder);
        Assert.Equal(TimeSpan.FromSeconds(15), new EmrJobRunnerOptions().PollInterval);
    }

    [Theory]
    [InlineData("0.05", "OneOff:Aws:Emr:PollSeconds is 0.05: use 0.1 to 600 seconds")]
    [InlineData("601", "OneOff:Aws:Emr:PollSeconds is 601: use 0.1 to 600 seconds")]
    public void AddOneOffAws_PollSecondsOutOfRange_FailsNamingTheKey(string value, string expected)
    {
        using var services = Build(false, ("OneOff:Aws:Emr:PollSeconds", value));

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => services.GetRequiredService<EmrJobRunner>());

        Assert.StartsWith(expected, Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(21)]
    public void Validate_StartAttemptsOutOfRange_Fails(int attempts)
    {
        var result = new EmrJobRunnerOptionsValidator().Validate(null, new EmrJobRunnerOptions { StartAttempts = attempts });

        Assert.True(result.Failed);
        Assert.StartsWith($"OneOff:Aws:Emr:StartAttempts is {attempts}: use 1 to 20", Assert.Single(result.Failures!), StringComparison.Ordinal);
        Assert.True(new EmrJobRunnerOptionsValidator().Validate(null, new EmrJobRunnerOptions()).Succeeded);
    }

    [Theory]
    [InlineData("j-2AXXXXGAPLF4P", true)]
    [InlineData("j-", false)]
    [InlineData("garbage", false)]
    [InlineData("1@0", false)]
    [InlineData("j-abc", false)]
    [InlineData("", false)]
    public void IsClusterId_OnlyEmrClusterIds(string id, bool expected) => Assert.Equal(expected, EmrJobRunner.IsClusterId(id));

    [Fact]
    public void StartedFromSteps_TheBuiltRequestsGenerateStep_GivesTheRunsSizesAndCap()
    {
        var run = new OneOff.Core.Runs.RunParameters { RunId = "attach-1", HiddenSizes = [7, 3, 12], MaxIter = 77 };
        var body = EmrClusterRequest.Build(
            new EmrOptions { ServiceRole = "s", JobFlowRole = "j" }, new EmrDeployment("d", OneOff.Aws.Storage.S3Root.Parse("s3://b-1/p")), run,
            new BundleArtifacts("h", "s3://b-1/p/artifacts/h/"), "attach-1", "u", DateTimeOffset.UnixEpoch);
        var steps = body.Steps!.Reverse().Select(s => new OneOff.Aws.Clients.Emr.Models.StepSummary
        {
            Name = s.Name, Config = new OneOff.Aws.Clients.Emr.Models.HadoopStepConfig { Jar = s.HadoopJarStep?.Jar, Args = s.HadoopJarStep?.Args },
        }).ToList();

        var started = EmrExecution.StartedFromSteps("attach-1", steps);

        Assert.Equal(new JobStarted("attach-1", [7, 3, 12], 77), started);
        Assert.Null(EmrExecution.StartedFromSteps("attach-1", [.. steps.Where(s => s.Name != EmrStepNames.Generate)]));
    }

    [Fact]
    public void Backoff_GrowsWithTheAttemptWithinItsJitterAndIsCapped()
    {
        var poll = TimeSpan.FromSeconds(15);

        Assert.All(Enumerable.Range(0, 50), _ => Assert.InRange(EmrExecution.Backoff(poll, 1), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)));
        Assert.All(Enumerable.Range(0, 50), _ => Assert.InRange(EmrExecution.Backoff(poll, 3), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120)));
        Assert.All(Enumerable.Range(0, 50), _ => Assert.InRange(EmrExecution.Backoff(poll, 12), TimeSpan.FromMinutes(2.5), TimeSpan.FromMinutes(5)));
    }
}
