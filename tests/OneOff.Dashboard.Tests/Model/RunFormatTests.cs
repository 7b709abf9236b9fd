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

    private static readonly (string Key, RunParameters Parameters, string Expected)[] s_oneOff =
    [
        ("hidden_sizes", new RunParameters { HiddenSizes = [5, 30, 100] }, "N 5,30,100"),
        ("train_size", new RunParameters { TrainSize = 2000 }, "train 2\u202F000"),
        ("test_size", new RunParameters { TestSize = 1_000_000 }, "test 1\u202F000\u202F000"),
        ("data_seed", new RunParameters { DataSeed = 7 }, "data seed 7"),
        ("model_seed", new RunParameters { ModelSeed = 0 }, "model seed 0"),
        ("jitter", new RunParameters { Jitter = 0.2 }, "jitter 0.2"),
        ("max_iter", new RunParameters { MaxIter = 300 }, "iter 300"),
        ("tol", new RunParameters { Tol = 1e-5 }, "tol 1e-5"),
        ("x_half_width", new RunParameters { XHalfWidth = 0.75 }, "X half-width 0.75"),
        ("radius", new RunParameters { Radius = 3 }, "O radius 3"),
        ("box_half_width", new RunParameters { BoxHalfWidth = 8 }, "box half-width 8"),
    ];

    public static TheoryData<string> OneParameterOff => new(s_oneOff.Select(row => row.Key));

    [Theory]
    [MemberData(nameof(OneParameterOff))]
    public void Summary_OneParameterOffItsDefault_ShowsJustThatOne(string key)
    {
        var (_, parameters, expected) = s_oneOff.Single(row => row.Key == key);
        var parameter = RunParameterTable.ByKey(key);
        Assert.NotNull(parameter);
        Assert.NotEqual(RunParameterParser.Format(parameter, new RunParameters()), RunParameterParser.Format(parameter, parameters));

        Assert.Equal(expected, RunFormat.Summary(parameters));
        Assert.Equal(expected, RunFormat.SummaryTitle(parameters));
    }

    [Fact]
    public void Summary_EveryParameterCoveredByTheTheory()
    {
        var covered = s_oneOff.Select(row => row.Key).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(RunParameterTable.All.Where(p => p != RunParameterTable.RunId).Select(p => p.Key).Order(StringComparer.Ordinal), covered.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Summary_Defaults_SaysNothingExtra()
    {
        var defaults = new RunParameters { RunId = "20261125-101010-abcd" };

        Assert.Equal("", RunFormat.Summary(defaults));
        Assert.Equal("All defaults", RunFormat.SummaryTitle(defaults));
    }

    [Fact]
    public void Summary_Several_InTheListsOrderAndLongSizeListsShortened()
    {
        var p = new RunParameters { HiddenSizes = [1, 2, 3, 4, 5, 6, 7, 8], TrainSize = 2000, DataSeed = 7, Jitter = 0.2, Tol = 1e-5 };

        Assert.Equal("N 1,2,3,4,…,8 (8 sizes) · train 2\u202F000 · data seed 7 · jitter 0.2 · tol 1e-5", RunFormat.Summary(p));
        Assert.StartsWith("N 1,2,3,4,5,6,7,8 · train", RunFormat.SummaryTitle(p), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("  ", null)]
    [InlineData("interrupted", "interrupted")]
    [InlineData("exited with code 1: boom\n   at X.Y()\n   at Z()", "exited with code 1: boom …")]
    [InlineData("\nstep train failed: out of memory", "step train failed: out of memory")]
    public void ReasonLine_Reason_IsItsFirstLine(string? reason, string? expected)
    {
        Assert.Equal(expected, RunFormat.ReasonLine(reason));
    }

    [Fact]
    public void ReasonLine_LongLine_IsCutWithAnEllipsis()
    {
        var line = RunFormat.ReasonLine("exited with code 1: " + new string('x', 500));

        Assert.NotNull(line);
        Assert.Equal(RunFormat.ReasonLength, line.Length);
        Assert.EndsWith("…", line, StringComparison.Ordinal);
    }
}
