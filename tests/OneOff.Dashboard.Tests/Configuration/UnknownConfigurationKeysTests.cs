using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OneOff.Dashboard.Configuration;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Configuration;

/// <summary>A misspelt key under OneOff: is named at start, with the known key nearest to it.</summary>
public sealed class UnknownConfigurationKeysTests
{
    [Fact]
    public void Find_MisspeltKeys_NamesEachWithTheNearestKnownKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OneOff"] = "",
            ["OneOff:Admin"] = "",
            ["OneOff:Admin:UserName"] = "root",
            ["OneOff:Mdoe"] = "Local",
            ["OneOff:Runs:MaxConcurent"] = "2",
            ["OneOff:Mode"] = "Local",
            ["OneOff:Runs:MaxConcurrent"] = "1",
            ["OneOff:Proxy:KnownProxies:0"] = "10.0.0.5",
            ["OneOff:auth:requiretwofactorforadmins"] = "true",
            ["OneOff:Aws:Emr:ReleaseLabel"] = "emr-7.1.0",
            ["OneOff:Aws:Emr:BundleFolder"] = "/srv/bundle",
            ["OneOff:Aws:Emr:PollSeconds"] = "1",
            ["OneOff:Aws:Athena:ResultReuseMinutes"] = "30",
            ["Logging:LogLevel:Default"] = "Information",
        }).Build();

        var unknown = UnknownConfigurationKeys.Find(configuration);

        Assert.Equal(
            [("OneOff:Mdoe", "OneOff:Mode"), ("OneOff:Runs:MaxConcurent", "OneOff:Runs:MaxConcurrent")],
            unknown.Select(u => (u.Key, u.Nearest)));
    }

    [Fact]
    public void Find_EmrAndReaperKeys_AreCheckedAndAPricePerInstanceTypeIsAccepted()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OneOff:Aws:Emr:ReleaseLabel"] = "emr-7.1.0",
            ["OneOff:Aws:Emr:IdleTimeoutSecond"] = "600",
            ["OneOff:Aws:Emr:Prices:r7g.2xlarge:Ec2PerHour"] = "0.4",
            ["OneOff:Aws:Reaper:IntervalMinutes"] = "5",
            ["OneOff:Aws:Reaper:OrphanGrace"] = "30",
            ["OneOff:Aws:Athena:WorkGroup"] = "oneoff",
        }).Build();

        var unknown = UnknownConfigurationKeys.Find(configuration);

        Assert.Equal(
            [("OneOff:Aws:Emr:IdleTimeoutSecond", "OneOff:Aws:Emr:IdleTimeoutSeconds"), ("OneOff:Aws:Reaper:OrphanGrace", "OneOff:Aws:Reaper:OrphanGraceMinutes")],
            unknown.Select(u => (u.Key, u.Nearest)));
    }

    [Fact]
    public void Find_EnvironmentVariable_NamesTheVariable()
    {
        const string Prefix = "ONEOFF_KEYS_TEST_";
        Environment.SetEnvironmentVariable(Prefix + "OneOff__Runs__MaxConcurent", "2");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(Prefix).Build();

            var unknown = Assert.Single(UnknownConfigurationKeys.Find(configuration));

            Assert.Equal("environment variable OneOff__Runs__MaxConcurent", unknown.Source);
            Assert.Equal("OneOff:Runs:MaxConcurrent", unknown.Nearest);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Prefix + "OneOff__Runs__MaxConcurent", null);
        }
    }

    [Fact]
    public void Find_TheShippedAppSettings_HasNoUnknownKey()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepoPaths.Root, "appsettings.json")).Build();

        Assert.Empty(UnknownConfigurationKeys.Find(configuration));
    }

    [Fact]
    public void KnownKeys_OptionsClasses_IncludeTheDocumentedKeys()
    {
        Assert.Superset(
            new HashSet<string>(["OneOff:Mode", "OneOff:DataRoot", "OneOff:DeploymentId", "OneOff:Admin:UserName", "OneOff:Admin:Password",
                "OneOff:Runs:MaxConcurrent", "OneOff:Runs:MaxWork", "OneOff:Runs:DiskBudgetBytes", "OneOff:Auth:RevalidationSeconds",
                "OneOff:Auth:RequireTwoFactorForAdmins", "OneOff:Proxy:KnownProxies", "OneOff:Audit:RetentionDays",
                "OneOff:Aws:Region", "OneOff:Aws:Bucket", "OneOff:Aws:Prefix"], StringComparer.OrdinalIgnoreCase),
            new HashSet<string>(UnknownConfigurationKeys.KnownKeys, StringComparer.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("Mode", "Mdoe", 2)]
    [InlineData("MaxConcurrent", "maxconcurent", 1)]
    [InlineData("", "abc", 3)]
    public void Distance_TwoKeys_CountsEditsIgnoringCase(string a, string b, int expected)
    {
        Assert.Equal(expected, UnknownConfigurationKeys.Distance(a, b));
    }

    [Fact]
    public async Task Start_MisspeltKeys_WarnsOneLineEach()
    {
        using var folder = new TempFolder();
        var logs = new CapturedLogs();
        await using var app = new DashboardApp(folder.Path, services => services.AddSingleton<ILoggerProvider>(logs),
            new Dictionary<string, string?> { ["OneOff:Mdoe"] = "Local", ["OneOff:Runs:MaxConcurent"] = "2" });
        _ = app.Server;

        var warnings = logs.Entries.Where(e => e.Category == typeof(UnknownConfigurationKeys).FullName).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Equal(LogLevel.Warning, w.Level));
        Assert.All(warnings, w => Assert.DoesNotContain('\n', w.Message));
        Assert.Contains(warnings, w => w.Message.Contains("OneOff:Mdoe", StringComparison.Ordinal) && w.Message.Contains("did you mean OneOff:Mode?", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Message.Contains("OneOff:Runs:MaxConcurent", StringComparison.Ordinal) && w.Message.Contains("did you mean OneOff:Runs:MaxConcurrent?", StringComparison.Ordinal));
    }
}
