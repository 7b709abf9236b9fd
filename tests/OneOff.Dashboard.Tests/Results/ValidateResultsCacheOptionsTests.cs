using OneOff.Dashboard.Results;

namespace OneOff.Dashboard.Tests.Results;

public sealed class ValidateResultsCacheOptionsTests
{
    private readonly ValidateResultsCacheOptions _validator = new();

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(_validator.Validate(null, new ResultsCacheOptions()).Succeeded);
    }

    [Theory]
    [InlineData(1000L, 512L << 20, "OneOff:Results:MaximumPayloadBytes is 1000")]
    [InlineData(1L << 32, 1L << 33, "OneOff:Results:MaximumPayloadBytes is 4294967296")]
    [InlineData(1L << 20, 1000L, "OneOff:Results:MemoryBudgetBytes is 1000")]
    [InlineData(64L << 20, 32L << 20, "is below OneOff:Results:MaximumPayloadBytes")]
    public void Validate_BadBudget_FailsNamingTheKey(long payload, long budget, string message)
    {
        var result = _validator.Validate(null, new ResultsCacheOptions { MaximumPayloadBytes = payload, MemoryBudgetBytes = budget });

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }
}
