using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OneOff.Aws.Compute;
using OneOff.Aws.Storage;

namespace OneOff.Aws.Tests.Compute;

public sealed class EmrOptionsValidatorTests
{
    private static EmrOptions Valid() => new() { ServiceRole = "EMR_DefaultRole_V2", JobFlowRole = "EMR_EC2_DefaultRole" };

    private static IReadOnlyList<string> Failures(EmrOptions options) =>
        new EmrOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];

    [Fact]
    public void Validate_DefaultsWithRoles_Succeeds()
    {
        Assert.Empty(Failures(Valid()));
    }

    [Fact]
    public void Validate_NoRoles_OneLineForEachNamingTheKey()
    {
        var failures = Failures(new EmrOptions());

        Assert.Equal(2, failures.Count);
        Assert.StartsWith("OneOff:Aws:Emr:ServiceRole is not set: set it to", failures[0], StringComparison.Ordinal);
        Assert.StartsWith("OneOff:Aws:Emr:JobFlowRole is not set: set it to", failures[1], StringComparison.Ordinal);
        Assert.All(failures, f => Assert.DoesNotContain('\n', f));
    }

    [Theory]
    [InlineData("emr-6.15.0", "needs emr-7.0.0 or later")]
    [InlineData("emr-5.36.2", "needs emr-7.0.0 or later")]
    [InlineData("emr-6.99.99", "needs emr-7.0.0 or later")]
    [InlineData("emr-7", "not an EMR release label")]
    [InlineData("7.1.0", "not an EMR release label")]
    [InlineData("emr-7.x.0", "not an EMR release label")]
    [InlineData("", "not an EMR release label")]
    public void Validate_BadReleaseLabel_IsRefusedWithTheFix(string label, string problem)
    {
        var options = Valid();
        options.ReleaseLabel = label;

        var failure = Assert.Single(Failures(options));

        Assert.StartsWith("OneOff:Aws:Emr:ReleaseLabel is ", failure, StringComparison.Ordinal);
        Assert.Contains(problem, failure, StringComparison.Ordinal);
        Assert.Contains("emr-7.13.0", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("emr-7.0.0")]
    [InlineData("emr-7.13.0")]
    [InlineData("EMR-7.10.1")]
    [InlineData("emr-10.0.0")]
    public void Validate_Release7OrLater_Succeeds(string label)
    {
        var options = Valid();
        options.ReleaseLabel = label;

        Assert.Empty(Failures(options));
    }

    [Fact]
    public void TryParse_ComparesNumerically()
    {
        Assert.True(EmrReleaseLabel.TryParse("emr-7.10.0") > EmrReleaseLabel.TryParse("emr-7.9.0"));
        Assert.Equal(new Version(7, 13, 0), EmrReleaseLabel.TryParse(" emr-7.13.0 "));
        Assert.Null(EmrReleaseLabel.TryParse("emr-7.13"));
    }

    [Theory]
    [InlineData(59L)]
    [InlineData(604801L)]
    [InlineData(0L)]
    public void Validate_IdleTimeoutOutsideEmrsRange_NamesTheRange(long seconds)
    {
        var options = Valid();
        options.IdleTimeoutSeconds = seconds;

        var failure = Assert.Single(Failures(options));

        Assert.StartsWith($"OneOff:Aws:Emr:IdleTimeoutSeconds is {seconds}: EMR accepts 60 to 604800 seconds", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(60L)]
    [InlineData(604800L)]
    public void Validate_IdleTimeoutAtTheEdges_Succeeds(long seconds)
    {
        var options = Valid();
        options.IdleTimeoutSeconds = seconds;

        Assert.Empty(Failures(options));
    }

    [Fact]
    public void Validate_InstanceTypeWithoutPrice_NamesThePriceKeysToSet()
    {
        var options = Valid();
        options.CoreInstanceType = "c7g.2xlarge";
        options.TaskInstanceCount = 2;

        var failure = Assert.Single(Failures(options));

        Assert.Equal(
            "OneOff:Aws:Emr:Prices has no price for c7g.2xlarge (OneOff:Aws:Emr:CoreInstanceType and OneOff:Aws:Emr:TaskInstanceType): set OneOff:Aws:Emr:Prices:c7g.2xlarge:Ec2PerHour and OneOff:Aws:Emr:Prices:c7g.2xlarge:EmrPerHour to the region's hourly list prices in USD (aws.amazon.com/emr/pricing).",
            failure);
    }

    [Fact]
    public void Validate_NoCoreNodes_DoesNotNeedTheCoreTypesPrice()
    {
        var options = Valid();
        options.CoreInstanceType = "c7g.2xlarge";
        options.CoreInstanceCount = 0;

        Assert.Empty(Failures(options));
    }

    [Fact]
    public void Validate_ZeroPrice_IsRefused()
    {
        var options = Valid();
        options.Prices["m7g.xlarge"] = new EmrInstancePrice { Ec2PerHour = 0.1632m };

        var failure = Assert.Single(Failures(options));

        Assert.StartsWith("OneOff:Aws:Emr:Prices:m7g.xlarge needs Ec2PerHour and EmrPerHour above 0", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PrimaryInstanceType", "m7g xlarge", "not an EC2 instance type")]
    [InlineData("CoreInstanceType", "", "is empty")]
    [InlineData("TaskMarket", "RESERVED", "use ON_DEMAND or SPOT")]
    [InlineData("SubnetId", "sn-123", "not a subnet id")]
    [InlineData("LogUri", "https://bucket/logs", "not an S3 URI")]
    [InlineData("CoreInstanceCount", "101", "use 0 to 100")]
    [InlineData("StartTimeoutMinutes", "2", "use 5 to 1440")]
    [InlineData("MaxLifetimeMinutes", "20000", "use 10 to 10080")]
    [InlineData("LogWaitMinutes", "-1", "use 0 to 60")]
    [InlineData("ServiceRole", "my role", "use a role name or ARN")]
    public void Validate_BadValue_OneLineNamingTheKey(string key, string value, string problem)
    {
        var failures = Bind(new Dictionary<string, string?> { [key] = value });

        var failure = Assert.Single(failures, f => f.StartsWith($"OneOff:Aws:Emr:{key} ", StringComparison.Ordinal));
        Assert.Contains(problem, failure, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure);
    }

    [Fact]
    public void Validate_LeaseShorterThanTheStartTimeout_IsRefused()
    {
        var options = Valid();
        options.StartTimeoutMinutes = 60;
        options.MaxLifetimeMinutes = 45;

        var failure = Assert.Single(Failures(options));

        Assert.StartsWith("OneOff:Aws:Emr:MaxLifetimeMinutes (45) must be more than OneOff:Aws:Emr:StartTimeoutMinutes (60)", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_PricesFromConfiguration_AddToTheDefaultAndAreCaseInsensitive()
    {
        var options = BindOptions(new Dictionary<string, string?>
        {
            ["CoreInstanceType"] = "c7g.2xlarge",
            ["Prices:C7G.2XLARGE:Ec2PerHour"] = "0.289",
            ["Prices:C7G.2XLARGE:EmrPerHour"] = "0.0725",
        });

        Assert.Empty(Failures(options));
        Assert.Equal(0.289m, options.Prices["c7g.2xlarge"].Ec2PerHour);
        Assert.True(options.Prices.ContainsKey("m7g.xlarge"));
    }

    [Fact]
    public void ResolveLogUri_Unset_IsTheLogsFolderUnderTheRoot()
    {
        Assert.Equal("s3://b-1/p/q/logs/", new EmrOptions().ResolveLogUri(new S3Root("b-1", "p/q/")));
        Assert.Equal("s3://b-1/logs/", new EmrOptions().ResolveLogUri(new S3Root("b-1", "")));
    }

    [Fact]
    public void AddOneOffAws_BadEmrAndReaperOptions_FailAtStartNamingEachKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OneOff:Aws:Region"] = "eu-west-1",
            ["OneOff:Aws:Bucket"] = "oneoff-data",
            ["OneOff:Aws:Emr:ServiceRole"] = "s",
            ["OneOff:Aws:Emr:ReleaseLabel"] = "emr-6.15.0",
            ["OneOff:Aws:Reaper:IntervalMinutes"] = "0",
        }).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddOneOffAws().BuildServiceProvider();

        var emr = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<EmrOptions>>().Value);
        var reaper = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<EmrReaperOptions>>().Value);

        Assert.Equal(2, emr.Failures.Count());
        Assert.Contains(emr.Failures, f => f.StartsWith("OneOff:Aws:Emr:ReleaseLabel is emr-6.15.0", StringComparison.Ordinal));
        Assert.Contains(emr.Failures, f => f.StartsWith("OneOff:Aws:Emr:JobFlowRole is not set", StringComparison.Ordinal));
        Assert.Equal("OneOff:Aws:Reaper:IntervalMinutes is 0: use 1 to 1440 (the default is 5).", Assert.Single(reaper.Failures));
    }

    [Theory]
    [InlineData(5, 30, true)]
    [InlineData(1, 5, true)]
    [InlineData(1441, 30, false)]
    [InlineData(5, 4, false)]
    public void ReaperValidate_Ranges(int interval, int grace, bool ok)
    {
        var result = new EmrReaperOptionsValidator().Validate(null, new EmrReaperOptions { IntervalMinutes = interval, OrphanGraceMinutes = grace });

        Assert.Equal(ok, result.Succeeded);
        if (!ok)
        {
            Assert.StartsWith("OneOff:Aws:Reaper:", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    private static EmrOptions BindOptions(Dictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["ServiceRole"] = "EMR_DefaultRole_V2",
            ["JobFlowRole"] = "EMR_EC2_DefaultRole",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(all.Select(kv => KeyValuePair.Create(EmrOptions.SectionName + ":" + kv.Key, kv.Value)))
            .Build();
        var options = new EmrOptions();
        configuration.GetSection(EmrOptions.SectionName).Bind(options);
        return options;
    }

    private static IReadOnlyList<string> Bind(Dictionary<string, string?> settings) => Failures(BindOptions(settings));
}
