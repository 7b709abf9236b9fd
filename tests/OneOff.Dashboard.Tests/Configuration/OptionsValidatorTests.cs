using OneOff.Dashboard.Configuration;

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
    [InlineData("Cloud", "OneOff:Mode")]
    [InlineData("Aws", "OneOff:Mode=Aws")]
    [InlineData("", "OneOff:Mode")]
    public void Validate_UnknownMode_NamesTheKey(string mode, string key)
    {
        var result = new OneOffOptionsValidator().Validate(null, new OneOffOptions { Mode = mode });

        Assert.StartsWith(key, result.FailureMessage, StringComparison.Ordinal);
    }

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

    [Theory]
    [InlineData("Bad Id")]
    [InlineData("")]
    public void Validate_BadDeploymentId_NamesTheKey(string id)
    {
        var result = new OneOffOptionsValidator().Validate(null, new OneOffOptions { DeploymentId = id });

        Assert.StartsWith("OneOff:DeploymentId", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WeakAdminPassword_NamesTheKeyWithoutThePassword()
    {
        var result = new AdminOptionsValidator().Validate(null, new AdminOptions { Password = "short" });

        Assert.StartsWith("OneOff:Admin:Password must have", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("short", result.FailureMessage, StringComparison.Ordinal);
    }
}
