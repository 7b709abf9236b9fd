using OneOff.Core.Configuration;

namespace OneOff.Core.Tests.Configuration;

public sealed class DeploymentOptionsValidatorTests
{
    [Theory]
    [InlineData("Bad Id")]
    [InlineData("")]
    [InlineData("-lead")]
    [InlineData("a23456789012345678901234567890123")]
    public void Validate_BadDeploymentId_NamesTheKey(string id)
    {
        var result = new DeploymentOptionsValidator().Validate(null, new DeploymentOptions { DeploymentId = id });

        Assert.True(result.Failed);
        Assert.StartsWith("OneOff:DeploymentId must be 1 to 32 characters", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("default")]
    [InlineData("team-a-2")]
    public void Validate_GoodDeploymentId_Succeeds(string id) =>
        Assert.True(new DeploymentOptionsValidator().Validate(null, new DeploymentOptions { DeploymentId = id }).Succeeded);
}
