using OneOff.Dashboard.Data;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Runs;
using OneOff.Core.Runs;

namespace OneOff.Dashboard.Tests.Model;

public sealed class RunFormatTests
{
    [Fact]
    public void Value_Tolerance_ReadsAsTyped()
    {
        Assert.Equal("1e-6", RunFormat.Value(RunParameterTable.Tol, new RunParameters()));
        Assert.Equal("0.4", RunFormat.Value(RunParameterTable.Jitter, new RunParameters()));
    }

    [Fact]
    public void Value_NegativeZeroJitter_ReadsZero()
    {
        Assert.Equal("0", RunFormat.Value(RunParameterTable.Jitter, new RunParameters { Jitter = -0.0 }));
        Assert.Equal("-0.5", RunFormat.Value(RunParameterTable.Jitter, new RunParameters { Jitter = -0.5 }));
    }

    [Fact]
    public void ValueParts_HiddenSizes_BreakAfterACommaNeverInsideANumber()
    {
        var parts = RunFormat.ValueParts(RunParameterTable.HiddenSizes, new RunParameters { HiddenSizes = [5, 200, 400, 600] });

        Assert.Equal(["5,", "200,", "400,", "600"], parts);
        Assert.Equal(["0.4"], RunFormat.ValueParts(RunParameterTable.Jitter, new RunParameters()));
    }

    [Theory]
    [InlineData(1.25, "1.3 s")]
    [InlineData(75, "1 min 15 s")]
    [InlineData(3725, "1 h 02 min")]
    public void Duration_Seconds_ReadsNaturally(double seconds, string expected)
    {
        Assert.Equal(expected, RunFormat.Duration(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void ProgressPercent_Sizes_CountIterationsAndDone()
    {
        Assert.Equal(50, RunFormat.ProgressPercent(new SizeProgress(5, 10, 0.5, false, null), 20));
        Assert.Equal(99, RunFormat.ProgressPercent(new SizeProgress(5, 20, 0.5, false, null), 20));
        Assert.Equal(100, RunFormat.ProgressPercent(new SizeProgress(5, 7, 0.5, true, null), 20));
    }

    [Fact]
    public void StateClass_State_IsLowerCase()
    {
        Assert.Equal("state-succeeded", RunFormat.StateClass(RunState.Succeeded));
    }
}
