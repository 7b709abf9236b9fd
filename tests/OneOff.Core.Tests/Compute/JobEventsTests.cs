using System.Text.Json;
using OneOff.Core.Compute;
using OneOff.Core.Runs;

namespace OneOff.Core.Tests.Compute;

public sealed class JobEventsTests
{
    public static TheoryData<JobEvent> EveryEvent => new()
    {
        new JobStarted("20261201-120000-ab12", [5, 30, 600], 100),
        new JobPhase("generating data"),
        new JobIteration(30, 17, 0.4321),
        new JobModelDone(new ModelMetrics(30, 0.896, 0.889, 0.943, 100, 0.231, 0.05, StopReason.MaxIter)),
        new JobModelDone(new ModelMetrics(7, 0.8, 0.79, 0.7, 12, 0.4, 0.01, StopReason.Converged)),
        new JobModelDone(new ModelMetrics(5, 0.8, 0.79, 0.7, 87, 0.4, 0.01, StopReason.LineSearch)),
        new JobPublished("20261201-120000-ab12", 30, 12.5),
        new JobFailed("disk full: no space left on device"),
    };

    [Theory]
    [MemberData(nameof(EveryEvent))]
    public void Serialize_EveryEvent_ParsesBackEqual(JobEvent e)
    {
        var line = JobEventJson.Serialize(e);

        Assert.DoesNotContain('\n', line);
        Assert.Equal(e, JobEventJson.Parse(line));
    }

    [Theory]
    [InlineData(typeof(JobStarted), "{\"event\":\"started\",\"run_id\":\"r1\",\"hidden_sizes\":[5,30],\"max_iter\":100}")]
    [InlineData(typeof(JobPhase), "{\"event\":\"phase\",\"phase\":\"training\"}")]
    [InlineData(typeof(JobIteration), "{\"event\":\"iteration\",\"n_hidden\":7,\"iteration\":3,\"loss\":0.5}")]
    [InlineData(typeof(JobModelDone), "{\"event\":\"model_done\",\"n_hidden\":30,\"train_acc\":0.896,\"test_acc\":0.889,\"surface_agree\":0.943,\"iterations\":100,\"final_loss\":0.231,\"fit_seconds\":0.05,\"stop_reason\":\"max_iter\"}")]
    [InlineData(typeof(JobPublished), "{\"event\":\"published\",\"run_id\":\"r1\",\"best_n_hidden\":30,\"total_seconds\":1.5}")]
    [InlineData(typeof(JobFailed), "{\"event\":\"failed\",\"message\":\"disk full\"}")]
    public void Serialize_EveryEvent_WritesTheWireFormatOfTheArchitecture(Type type, string line)
    {
        var parsed = JobEventJson.Parse(line);

        Assert.IsType(type, parsed);
        Assert.Equal(line, JobEventJson.Serialize(parsed));
    }

    [Fact]
    public void Parse_ModelDone_CarriesEveryMetric()
    {
        var done = Assert.IsType<JobModelDone>(JobEventJson.Parse(
            "{\"event\":\"model_done\",\"n_hidden\":30,\"train_acc\":0.896,\"test_acc\":0.889,\"surface_agree\":0.943,\"iterations\":100,\"final_loss\":0.231,\"fit_seconds\":0.05}"));

        Assert.Equal(30, done.NHidden);
        Assert.Equal(new ModelMetrics(30, 0.896, 0.889, 0.943, 100, 0.231, 0.05), done.Metrics);
    }

    [Theory]
    [InlineData("converged", StopReason.Converged)]
    [InlineData("max_iter", StopReason.MaxIter)]
    [InlineData("line_search", StopReason.LineSearch)]
    public void Parse_ModelDone_CarriesTheStopReason(string wire, StopReason reason)
    {
        var done = Assert.IsType<JobModelDone>(JobEventJson.Parse(
            "{\"event\":\"model_done\",\"n_hidden\":30,\"train_acc\":0.896,\"test_acc\":0.889,\"surface_agree\":0.943,\"iterations\":100,\"final_loss\":0.231,\"fit_seconds\":0.05,\"stop_reason\":\"" + wire + "\"}"));

        Assert.Equal(reason, done.Metrics?.StopReason);
    }

    [Fact]
    public void Parse_ModelDoneWithoutStopReason_ReadsItAsUnknown()
    {
        var done = Assert.IsType<JobModelDone>(JobEventJson.Parse(
            "{\"event\":\"model_done\",\"n_hidden\":30,\"train_acc\":0.896,\"test_acc\":0.889,\"surface_agree\":0.943,\"iterations\":100,\"final_loss\":0.231,\"fit_seconds\":0.05}"));

        Assert.Null(done.Metrics?.StopReason);
    }

    [Theory]
    [InlineData("\"stalled\"")]
    [InlineData("1")]
    [InlineData("\"\"")]
    public void Parse_ModelDoneWithAnUnknownStopReason_IsRefused(string value)
    {
        var line = "{\"event\":\"model_done\",\"n_hidden\":30,\"train_acc\":0.896,\"test_acc\":0.889,\"surface_agree\":0.943,\"iterations\":100,\"final_loss\":0.231,\"fit_seconds\":0.05,\"stop_reason\":" + value + "}";

        Assert.Throws<FormatException>(() => JobEventJson.Parse(line));
    }

    [Fact]
    public void Serialize_NaNLoss_RoundTrips()
    {
        var line = JobEventJson.Serialize(new JobIteration(5, 2, double.NaN));

        Assert.True(double.IsNaN(Assert.IsType<JobIteration>(JobEventJson.Parse(line)).Loss));
    }

    [Fact]
    public void Serialize_ModelDoneWithoutMetrics_Throws()
    {
        Assert.Throws<ArgumentException>(() => JobEventJson.Serialize(new JobModelDone(5, null)));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"event\":")]
    [InlineData("[1,2]")]
    [InlineData("{\"run_id\":\"r1\"}")]
    [InlineData("{\"event\":7}")]
    [InlineData("{\"event\":\"exploded\"}")]
    [InlineData("{\"event\":\"started\",\"run_id\":\"r1\"}")]
    [InlineData("{\"event\":\"started\",\"run_id\":null,\"hidden_sizes\":[5],\"max_iter\":100}")]
    [InlineData("{\"event\":\"started\",\"run_id\":\"r1\",\"hidden_sizes\":null,\"max_iter\":100}")]
    [InlineData("{\"event\":\"iteration\",\"n_hidden\":7,\"iteration\":3}")]
    [InlineData("{\"event\":\"iteration\",\"n_hidden\":\"seven\",\"iteration\":3,\"loss\":0.5}")]
    [InlineData("{\"event\":\"iteration\",\"n_hidden\":7.5,\"iteration\":3,\"loss\":0.5}")]
    [InlineData("{\"event\":\"model_done\",\"n_hidden\":30,\"train_acc\":0.9}")]
    [InlineData("{\"event\":\"published\",\"run_id\":\"r1\"}")]
    [InlineData("{\"event\":\"failed\"}")]
    [InlineData("{\"event\":\"phase\"}")]
    public void Parse_MalformedLine_ThrowsFormatExceptionQuotingIt(string line)
    {
        var e = Assert.Throws<FormatException>(() => JobEventJson.Parse(line));

        Assert.Contains(line, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LongMalformedLine_QuotesItShortened()
    {
        var line = "{\"event\":\"failed\",\"oops\":\"" + new string('x', 1000) + "\"}";

        var e = Assert.Throws<FormatException>(() => JobEventJson.Parse(line));

        Assert.True(e.Message.Length < 400, e.Message);
    }

    [Theory]
    [InlineData("{\"event\":\"iteration\",\"n_hidden\":7,\"iteration\":3,\"loss\":0.5}", "JobIteration { NHidden = 7, Iteration = 3, Loss = 0.5 }", false)]
    [InlineData("{\"event\":\"failed\",\"message\":\"disk full\"}", "JobFailed { Message = disk full }", false)]
    [InlineData("{\"event\":\"phase\",\"phase\":\"training\"}", "JobPhase { Phase = training }", false)]
    [InlineData("{\"event\":\"iteration\",\"n_hidden\":7}", null, true)]
    [InlineData("not json", null, true)]
    [InlineData("", null, false)]
    [InlineData("   ", null, false)]
    public void ParseEvent_Line_GivesTheEventOrADiagnostic(string line, string? expected, bool diagnosed)
    {
        var parsed = LocalJobRunner.ParseEvent(line, out var diagnostic);

        Assert.Equal(expected, parsed?.ToString());
        Assert.Equal(diagnosed, diagnostic is not null);
    }

    [Fact]
    public void Started_EqualsBySizes()
    {
        Assert.Equal(new JobStarted("r1", [3, 5], 20), new JobStarted("r1", [3, 5], 20));
        Assert.NotEqual(new JobStarted("r1", [3, 5], 20), new JobStarted("r1", [5, 3], 20));
    }

    [Fact]
    public void Serialize_Started_PutsEventFirst()
    {
        using var document = JsonDocument.Parse(JobEventJson.Serialize(new JobStarted("r1", [3], 20)));

        Assert.Equal("event", document.RootElement.EnumerateObject().First().Name);
    }
}
