using OneOff.Core.Runs;

namespace OneOff.Core.Tests.Runs;

public sealed class RunParameterParserMessagesTests
{
    private static ParameterError OnlyError(string key, string value)
    {
        var outcome = RunParameterParser.Parse(new Dictionary<string, string?> { [key] = value });
        Assert.False(outcome.IsValid);
        return Assert.Single(outcome.Errors);
    }

    [Theory]
    [InlineData("hidden_sizes", "", "Enter the hidden sizes.")]
    [InlineData("model_seed", "   ", "Enter the model seed.")]
    [InlineData("train_size", "\t", "Enter the train size.")]
    [InlineData("tol", " ", "Enter the tolerance.")]
    public void Parse_EmptyOrBlankValue_IsAnErrorNotTheDefault(string key, string value, string form)
    {
        var error = OnlyError(key, value);

        Assert.Equal(key, error.Parameter.Key);
        Assert.True(error.IsEmpty);
        Assert.Equal(form, error.ForForm());
        Assert.StartsWith($"{error.Parameter.Flag} is empty; pass ", error.ForCli(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingOrNullValue_StillTakesTheDefault()
    {
        var outcome = RunParameterParser.Parse(new Dictionary<string, string?> { ["model_seed"] = null });

        Assert.True(outcome.IsValid);
        Assert.Equal(51, outcome.Parameters.ModelSeed);
    }

    [Theory]
    [InlineData("hidden_sizes")]
    [InlineData("model_seed")]
    [InlineData("run_id")]
    public void Parse_OverLongValue_IsRefusedNotDropped(string key)
    {
        var error = OnlyError(key, new string('5', RunParameterParser.MaxValueLength + 1));

        Assert.Equal("is too long (201 characters; at most 200)", error.Problem);
    }

    [Theory]
    [InlineData("model_seed", "2147483648", "must be from 0 to 2147483647 (got 2147483648)")]
    [InlineData("train_size", "99999999999999999999", "must be from 100 to 1000000 (got 99999999999999999999)")]
    [InlineData("max_iter", "-99999999999", "must be from 1 to 10000 (got -99999999999)")]
    [InlineData("hidden_sizes", "5,-5", "has -5, outside 1 to 2000")]
    [InlineData("hidden_sizes", "99999999999999999999", "has 99999999999999999999, outside 1 to 2000")]
    [InlineData("hidden_sizes", "5,+0", "has +0, outside 1 to 2000")]
    public void Parse_WholeNumberOutOfRange_SaysTheRangeNotWholeNumber(string key, string value, string problem)
    {
        Assert.Equal(problem, OnlyError(key, value).Problem);
    }

    [Theory]
    [InlineData("tol", "1e-400", "is too close to 0 to compute with (got 1e-400)")]
    [InlineData("jitter", "0.00000e-999", null)]
    [InlineData("jitter", "1e400", "is far out of range (got 1e400)")]
    public void Parse_NumberBeyondADouble_SaysWhatWasTyped(string key, string value, string? problem)
    {
        var outcome = RunParameterParser.Parse(new Dictionary<string, string?> { [key] = value });

        if (problem is null)
        {
            Assert.True(outcome.IsValid);
            return;
        }

        Assert.Equal(problem, Assert.Single(outcome.Errors).Problem);
    }

    [Fact]
    public void Parse_LongBadValue_EchoesOnlyItsStart()
    {
        var value = new string('x', 150);

        var error = OnlyError("train_size", value);

        Assert.Equal($"must be a whole number (got '{new string('x', 40)}…')", error.Problem);
    }

    [Fact]
    public void ToRaw_EmptyRunId_IsLeftOutAndParsesBack()
    {
        var raw = RunParameterParser.ToRaw(new RunParameters());

        Assert.DoesNotContain("run_id", raw.Keys);
        Assert.True(RunParameterParser.Parse(raw).IsValid);
    }
}
