using OneOff.Core.Runs;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;

namespace OneOff.Dashboard.Tests.Runs;

/// <summary>What a run record's JSON becomes on a page: the stored shapes of today, those of before, and damage.</summary>
public sealed class RunSnapshotTests
{
    private const string RunId = "20260102-030405-abcd";

    /// <summary>Progress as the dashboard wrote it before stored progress had a schema (SizeProgress with JobModelMetrics, web names).</summary>
    private const string OldProgress =
        """[{"n_hidden":3,"iteration":12,"loss":0.25,"done":true,"metrics":{"trainAcc":1,"testAcc":0.9,"surfaceAgree":0.8,"iterations":12,"finalLoss":"NaN","fitSeconds":0.5}},{"n_hidden":5,"iteration":4,"loss":0.5,"done":false,"metrics":null}]""";

    /// <summary>Parameters as the dashboard wrote them before: the bare object of text values keyed by manifest key.</summary>
    private const string OldParameters =
        """{"run_id":"20260102-030405-abcd","train_size":"300","test_size":"200","hidden_sizes":"3,5","max_iter":"80"}""";

    [Fact]
    public void From_OldProgressAndParameters_ReadsThemInFull()
    {
        var snapshot = RunSnapshot.From(Record(OldParameters, OldProgress));

        Assert.Null(snapshot.Damaged);
        Assert.Equal(300, snapshot.Parameters.TrainSize);
        Assert.Equal([3, 5], snapshot.Parameters.HiddenSizes);
        Assert.Equal(RunId, snapshot.Parameters.RunId);
        Assert.Equal(2, snapshot.Sizes.Length);
        var done = snapshot.Sizes[0];
        Assert.True(done.Done);
        Assert.Equal(0.8, done.Metrics?.SurfaceAgree);
        Assert.True(double.IsNaN(done.Metrics!.FinalLoss));
        Assert.Equal(new SizeProgress(5, 4, 0.5, false, null), snapshot.Sizes[1]);
    }

    [Fact]
    public void ToStored_Sizes_RoundTripsThroughTheCurrentSchemaWithExplicitNames()
    {
        var before = RunSnapshot.From(Record(OldParameters, OldProgress));
        var json = StoredRunJson.Write(RunSnapshot.ToStored(before.Sizes));
        var parameters = StoredRunJson.Write(RunSnapshot.ToStored(before.Parameters));

        var after = RunSnapshot.From(Record(parameters, json));

        Assert.StartsWith("""{"schema":2,"sizes":[{"n_hidden":3,"iteration":12,"loss":0.25,"done":true,"metrics":{"train_acc":1,""", json, StringComparison.Ordinal);
        Assert.Contains("\"final_loss\":\"NaN\"", json, StringComparison.Ordinal);
        Assert.StartsWith("""{"schema":2,"values":{""", parameters, StringComparison.Ordinal);
        Assert.Equal(before.Sizes.Length, after.Sizes.Length);
        Assert.Equal(before.Sizes[1], after.Sizes[1]);
        Assert.Equal(before.Sizes[0].Metrics?.SurfaceAgree, after.Sizes[0].Metrics?.SurfaceAgree);
        Assert.Equal(before.Parameters, after.Parameters);
        Assert.Null(after.Damaged);
    }

    [Theory]
    [InlineData("{not json", "its parameters cannot be read")]
    [InlineData("""{"schema":2,"values":{"train_size":"many"}}""", "its parameters are not valid")]
    [InlineData("""{"schema":99,"values":{}}""", "its parameters cannot be read")]
    public void From_UnreadableParameters_SaysTheRecordIsDamagedInsteadOfShowingDefaults(string parametersJson, string expected)
    {
        var snapshot = RunSnapshot.From(Record(parametersJson, OldProgress));

        Assert.NotNull(snapshot.Damaged);
        Assert.Contains(expected, snapshot.Damaged, StringComparison.Ordinal);
        Assert.Equal(RunId, snapshot.Parameters.RunId);
        Assert.Equal(2, snapshot.Sizes.Length);
    }

    [Theory]
    [InlineData("[{\"n_hidden\":")]
    [InlineData("""{"schema":2}""")]
    [InlineData("42")]
    public void From_UnreadableProgress_SaysTheRecordIsDamaged(string progressJson)
    {
        var snapshot = RunSnapshot.From(Record(OldParameters, progressJson));

        Assert.Contains("its progress cannot be read", snapshot.Damaged, StringComparison.Ordinal);
        Assert.Empty(snapshot.Sizes);
        Assert.Equal(300, snapshot.Parameters.TrainSize);
    }

    [Fact]
    public void ToStored_StopReasons_RoundTripByTheirWireNames()
    {
        SizeProgress[] sizes =
        [
            SizeProgress.Finished(new ModelMetrics(3, 1, 0.9, 0.8, 212, 0.2, 0.5, StopReason.Converged)),
            SizeProgress.Finished(new ModelMetrics(5, 1, 0.9, 0.8, 80, 0.2, 0.5, StopReason.MaxIter)),
            SizeProgress.Finished(new ModelMetrics(7, 1, 0.9, 0.8, 41, 0.2, 0.5, StopReason.LineSearch)),
            SizeProgress.Finished(new ModelMetrics(9, 1, 0.9, 0.8, 80, 0.2, 0.5)),
        ];

        var json = StoredRunJson.Write(RunSnapshot.ToStored(sizes));
        var after = RunSnapshot.From(Record(OldParameters, json));

        Assert.Contains("\"stop_reason\":\"converged\"", json, StringComparison.Ordinal);
        Assert.Contains("\"stop_reason\":\"max_iter\"", json, StringComparison.Ordinal);
        Assert.Contains("\"stop_reason\":\"line_search\"", json, StringComparison.Ordinal);
        Assert.Equal(3, json.Split("stop_reason").Length - 1);
        Assert.Equal(sizes, after.Sizes);
    }

    [Fact]
    public void From_ProgressStoredBeforeStopReasons_ReadsThemAsUnknown()
    {
        const string stored =
            """{"schema":2,"sizes":[{"n_hidden":3,"iteration":12,"loss":0.25,"done":true,"metrics":{"train_acc":1,"test_acc":0.9,"surface_agree":0.8,"iterations":12,"final_loss":0.25,"fit_seconds":0.5}}]}""";

        var snapshot = RunSnapshot.From(Record(OldParameters, stored));

        Assert.Null(snapshot.Damaged);
        Assert.Equal(0.8, snapshot.Sizes[0].Metrics?.SurfaceAgree);
        Assert.Null(snapshot.Sizes[0].Metrics?.StopReason);
    }

    [Fact]
    public void From_StoredStopReasonThatIsNone_SaysTheProgressIsDamaged()
    {
        const string stored =
            """{"schema":2,"sizes":[{"n_hidden":3,"iteration":12,"loss":0.25,"done":true,"metrics":{"train_acc":1,"test_acc":0.9,"surface_agree":0.8,"iterations":12,"final_loss":0.25,"fit_seconds":0.5,"stop_reason":"bored"}}]}""";

        var snapshot = RunSnapshot.From(Record(OldParameters, stored));

        Assert.Contains("its progress cannot be read", snapshot.Damaged, StringComparison.Ordinal);
    }

    /// <summary>A record as the database hands it back, with the given JSON columns.</summary>
    private static RunRecord Record(string parametersJson, string progressJson)
    {
        var record = RunRecord.Queue(RunId, null, "operator", DateTime.UnixEpoch, StoredParameters.Of(new Dictionary<string, string?>()), StoredProgress.Of([]));
        typeof(RunRecord).GetProperty(nameof(RunRecord.ParametersJson))!.SetValue(record, parametersJson);
        typeof(RunRecord).GetProperty(nameof(RunRecord.ProgressJson))!.SetValue(record, progressJson);
        return record;
    }
}
