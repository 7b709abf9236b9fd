using Microsoft.Extensions.Configuration;
using OneOff.Dashboard.Configuration;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Configuration;

public sealed class OptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new OneOffOptionsValidator().Validate(null, new OneOffOptions()).Succeeded);
        Assert.True(new RunsOptionsValidator().Validate(null, new RunsOptions()).Succeeded);
        Assert.True(new AdminOptionsValidator().Validate(null, new AdminOptions()).Succeeded);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void Validate_MaxConcurrentOutOfRange_NamesTheKey(int value)
    {
        var result = new RunsOptionsValidator().Validate(null, new RunsOptions { MaxConcurrent = value });

        Assert.True(result.Failed);
        Assert.StartsWith("OneOff:Runs:MaxConcurrent must be from 1 to 64", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingJobPath_NamesTheKey()
    {
        var result = new RunsOptionsValidator().Validate(null, new RunsOptions { JobPath = "/nowhere/oneoff-job.dll" });

        Assert.Contains("OneOff:Runs:JobPath", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Cloud", "OneOff:Mode must be Local or Aws (got 'Cloud').")]
    [InlineData("1", "OneOff:Mode must be Local or Aws (got '1').")]
    [InlineData(" ", "OneOff:Mode is empty")]
    public void Validate_UnknownMode_NamesTheKey(string mode, string message)
    {
        var selection = ModeSelection.Read(Configuration(("OneOff:Mode", mode)));
        var options = new OneOffOptions { Mode = selection.Mode };

        var result = new OneOffOptionsValidator(selection).Validate(null, options);

        Assert.StartsWith(message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Aws")]
    [InlineData("aws")]
    public void Validate_AwsMode_IsAccepted(string mode)
    {
        var selection = ModeSelection.Read(Configuration(("OneOff:Mode", mode)));
        using var folder = new TempFolder();

        var result = new OneOffOptionsValidator(selection).Validate(null, new OneOffOptions { Mode = selection.Mode, DataRoot = folder.Path });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData(null, OneOffMode.Local)]
    [InlineData("Local", OneOffMode.Local)]
    [InlineData("local", OneOffMode.Local)]
    [InlineData(" Aws ", OneOffMode.Aws)]
    public void Read_KnownOrUnsetMode_PicksItWithoutProblem(string? mode, OneOffMode expected)
    {
        var selection = ModeSelection.Read(mode is null ? Configuration() : Configuration(("OneOff:Mode", mode)));

        Assert.Equal(new ModeSelection(expected, null), selection);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Validate_DataRootIsAFile_NamesTheKey()
    {
        var file = Path.GetTempFileName();
        try
        {
            var result = new OneOffOptionsValidator().Validate(null, new OneOffOptions { DataRoot = file });

            Assert.StartsWith("OneOff:DataRoot must be a folder", result.FailureMessage, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Validate_WeakAdminPassword_NamesTheKeyWithoutThePassword()
    {
        var result = new AdminOptionsValidator().Validate(null, new AdminOptions { Password = "short" });

        Assert.StartsWith("OneOff:Admin:Password must have", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("short", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("the admin")]
    [InlineData("admin/..")]
    public void Validate_BadAdminUserName_NamesTheKeyAndTheRule(string userName)
    {
        var result = new AdminOptionsValidator().Validate(null, new AdminOptions { UserName = userName });

        Assert.True(result.Failed);
        Assert.Equal(
            $"OneOff:Admin:UserName must be 2 to 64 characters of ASCII letters, digits, '.', '-' and '_' (got '{userName}'); leave it unset for admin.",
            result.FailureMessage);
    }

    [Theory]
    [InlineData("root")]
    [InlineData("ops.admin-2_x")]
    public void Validate_AdminUserNameAsTheUsersPageAccepts_Succeeds(string userName) =>
        Assert.True(new AdminOptionsValidator().Validate(null, new AdminOptions { UserName = userName }).Succeeded);

    [Theory]
    [InlineData(0)]
    [InlineData(3651)]
    public void Validate_AuditRetentionOutOfRange_NamesTheKey(int days)
    {
        var result = new OneOff.Dashboard.Audit.AuditOptionsValidator().Validate(null, new OneOff.Dashboard.Audit.AuditOptions { RetentionDays = days });

        Assert.Equal($"OneOff:Audit:RetentionDays must be from 1 to 3650 days (got {days}); leave it unset for 365.", result.FailureMessage);
    }

    [Fact]
    public void Validate_AuditDefaults_Succeed() =>
        Assert.True(new OneOff.Dashboard.Audit.AuditOptionsValidator().Validate(null, new OneOff.Dashboard.Audit.AuditOptions()).Succeeded);
}
