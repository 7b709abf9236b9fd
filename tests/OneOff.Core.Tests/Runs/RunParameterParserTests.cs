using OneOff.Core.Runs;

namespace OneOff.Core.Tests.Runs;

public sealed class RunParameterParserTests
{
    [Fact]
    public void Parse_Nothing_GivesTheOriginalStudyDefaults()
    {
        var outcome = RunParameterParser.Parse(new Dictionary<string, string?>());

        Assert.True(outcome.IsValid);
        var p = outcome.Parameters!;
        Assert.Equal(15000, p.TrainSize);
        Assert.Equal(5000, p.TestSize);
        Assert.Equal([5, 7, 10, 30, 50, 75, 100, 200, 400, 600], p.HiddenSizes);
        Assert.Equal(13, p.DataSeed);
        Assert.Equal(51, p.ModelSeed);
        Assert.Equal(0.4, p.Jitter);
        Assert.Equal(100, p.MaxIter);
        Assert.Equal(1e-6, p.Tol);
        Assert.Equal(0.5, p.XHalfWidth);
        Assert.Equal(3.5, p.Radius);
        Assert.Equal(7.1, p.BoxHalfWidth);
        Assert.Equal("", p.RunId);
    }

    [Theory]
    [InlineData("train_size", "99", "--train-size")]
    [InlineData("train_size", "1000001", "--train-size")]
    [InlineData("train_size", "abc", "--train-size")]
    [InlineData("test_size", "1.5", "--test-size")]
    [InlineData("hidden_sizes", "5,5", "--hidden")]
    [InlineData("hidden_sizes", "0,5", "--hidden")]
    [InlineData("hidden_sizes", "2001", "--hidden")]
    [InlineData("hidden_sizes", "5,,7", "--hidden")]
    [InlineData("hidden_sizes", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21", "--hidden")]
    [InlineData("data_seed", "-1", "--data-seed")]
    [InlineData("model_seed", "2147483648", "--model-seed")]
    [InlineData("jitter", "5.01", "--jitter")]
    [InlineData("jitter", "NaN", "--jitter")]
    [InlineData("max_iter", "0", "--max-iter")]
    [InlineData("tol", "0", "--tol")]
    [InlineData("tol", "1", "--tol")]
    [InlineData("radius", "7.1", "--radius")]
    [InlineData("radius", "-1", "--radius")]
    [InlineData("x_half_width", "8", "--x-half-width")]
    [InlineData("box_half_width", "0.5", "--box-half-width")]
    [InlineData("run_id", "-abc", "--run-id")]
    [InlineData("run_id", "ABC", "--run-id")]
    [InlineData("run_id", "a/b", "--run-id")]
    public void Parse_BadValue_OneErrorNamingTheParameter(string key, string value, string flag)
    {
        var outcome = RunParameterParser.Parse(new Dictionary<string, string?> { [key] = value });

        Assert.False(outcome.IsValid);
        Assert.Null(outcome.Parameters);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal(flag, error.Parameter.Flag);
        Assert.StartsWith(flag + " ", error.ForCli(), StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.ForCli());
    }

    [Fact]
    public void Parse_RadiusBelowAWiderBox_IsValid()
    {
        var outcome = RunParameterParser.Parse(new Dictionary<string, string?> { ["radius"] = "9", ["box_half_width"] = "10" });

        Assert.True(outcome.IsValid);
        Assert.Equal(9, outcome.Parameters!.Radius);
    }

    [Fact]
    public void ToRaw_ThenParse_RoundTrips()
    {
        var p = new RunParameters { TrainSize = 1234, HiddenSizes = [3, 1, 2], Jitter = 0.25, Tol = 1e-4, RunId = "run-1" };

        var outcome = RunParameterParser.Parse(RunParameterParser.ToRaw(p));

        Assert.True(outcome.IsValid);
        Assert.Equal(p, outcome.Parameters);
    }

    [Fact]
    public void RunIds_New_IsValidAndStampedInUtc()
    {
        var time = new FixedTime(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)));

        var id = RunKeys.NewRunId(time);

        Assert.True(RunKeys.IsValidRunId(id));
        Assert.Matches("^20260102-010405-[a-z0-9]{4}$", id);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
