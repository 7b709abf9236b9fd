using System.Text;
using System.Text.Json.Nodes;
using OneOff.Core.Runs;

namespace OneOff.Core.Tests.Runs;

/// <summary>Schema 2 manifests carry each model's stop reason; schema 1 manifests (written before) stay readable.</summary>
public sealed class RunManifestSchemaTests
{
    private const string Schema1 = Schema1Manifest.Json;

    private static RunManifest Schema2() => new(
        RunManifest.CurrentSchema, "20261202-090000-ab12", "1.0.0", new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero),
        ManifestParameters.From(new RunParameters { HiddenSizes = [5, 30, 600], RunId = "20261202-090000-ab12" }),
        [
            new ModelMetrics(5, 0.81, 0.8, 0.72, 212, 0.5, 0.02, StopReason.Converged),
            new ModelMetrics(30, 0.896, 0.889, 0.943, 100, 0.231, 0.05, StopReason.MaxIter),
            new ModelMetrics(600, 0.93, 0.87, 0.88, 87, 0.1, 1.5, StopReason.LineSearch),
        ],
        30, new ManifestRows(15000, 5000, 10201), new ManifestTimings(0.01, 1.5, 0.02, 1.6));

    [Fact]
    public void Parse_Schema1Manifest_ReadsEveryModelWithTheStopReasonUnknown()
    {
        var manifest = RunManifest.Parse(Encoding.UTF8.GetBytes(Schema1));

        Assert.Equal(1, manifest.Schema);
        Assert.Equal([5, 30], manifest.Models.Select(m => m.NHidden));
        Assert.All(manifest.Models, m => Assert.Null(m.StopReason));
        Assert.Equal(0.943, manifest.Models[1].SurfaceAgree);
    }

    [Fact]
    public void ToJson_Schema2_WritesEachModelsStopReasonByItsWireName()
    {
        var json = JsonNode.Parse(Schema2().ToJson())!;

        Assert.Equal(2, json["schema"]!.GetValue<int>());
        Assert.Equal(
            ["converged", "max_iter", "line_search"],
            json["models"]!.AsArray().Select(m => m!["stop_reason"]!.GetValue<string>()));
    }

    [Fact]
    public void Parse_Schema2_RoundTripsTheStopReasons()
    {
        var manifest = Schema2();

        var read = RunManifest.Parse(manifest.ToJson());

        Assert.Equal(manifest.Models, read.Models);
        Assert.Equal([StopReason.Converged, StopReason.MaxIter, StopReason.LineSearch], read.Models.Select(m => m.StopReason));
    }

    [Fact]
    public void Parse_Schema2ModelWithoutStopReason_IsRefusedNamingTheModel()
    {
        var json = JsonNode.Parse(Schema2().ToJson())!;
        json["models"]![1]!.AsObject().Remove("stop_reason");

        var e = Assert.Throws<InvalidDataException>(() => RunManifest.Parse(Encoding.UTF8.GetBytes(json.ToJsonString())));

        Assert.Contains("stop_reason", e.Message, StringComparison.Ordinal);
        Assert.Contains("30", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"stalled\"")]
    [InlineData("2")]
    public void Parse_UnknownStopReason_IsRefused(string value)
    {
        var json = JsonNode.Parse(Schema2().ToJson())!;
        json["models"]![1]!["stop_reason"] = JsonNode.Parse(value);

        var e = Assert.Throws<InvalidDataException>(() => RunManifest.Parse(Encoding.UTF8.GetBytes(json.ToJsonString())));

        Assert.Contains("stop reason", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Parse_UnknownSchema_IsRefused(int schema)
    {
        var json = JsonNode.Parse(Schema2().ToJson())!;
        json["schema"] = schema;

        var e = Assert.Throws<InvalidDataException>(() => RunManifest.Parse(Encoding.UTF8.GetBytes(json.ToJsonString())));

        Assert.Contains("schemas 1 to 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetricsTable_StopReason_RoundTripsEveryValue()
    {
        var token = TestContext.Current.CancellationToken;
        foreach (var reason in Enum.GetValues<StopReason>())
        {
            var model = new ModelMetrics(30, 0.896, 0.889, 0.943, 100, 0.231, 0.05, reason);

            Assert.Equal(model, await MetricsTable.ReadAsync(await MetricsTable.WriteAsync(model, token), 30, token));
        }
    }

    [Fact]
    public async Task MetricsTable_FileWrittenBeforeStopReason_ReadsItAsUnknown()
    {
        var token = TestContext.Current.CancellationToken;
        var old = await ParquetTables.WriteAsync(RunSchemas.MetricsRequired, async rg =>
        {
            await rg.WriteAsync<double>(RunSchemas.TrainAcc, new[] { 0.9 }, cancellationToken: token);
            await rg.WriteAsync<double>(RunSchemas.TestAcc, new[] { 0.8 }, cancellationToken: token);
            await rg.WriteAsync<double>(RunSchemas.SurfaceAgree, new[] { 0.7 }, cancellationToken: token);
            await rg.WriteAsync<int>(RunSchemas.Iterations, new[] { 42 }, cancellationToken: token);
            await rg.WriteAsync<double>(RunSchemas.FinalLoss, new[] { 0.3 }, cancellationToken: token);
            await rg.WriteAsync<double>(RunSchemas.FitSeconds, new[] { 0.1 }, cancellationToken: token);
        });

        var read = await MetricsTable.ReadAsync(old, 7, token);

        Assert.Equal(new ModelMetrics(7, 0.9, 0.8, 0.7, 42, 0.3, 0.1), read);
        Assert.Null(read.StopReason);
    }

    [Fact]
    public void Describe_EveryReason_SaysItInPlainWords()
    {
        Assert.Equal("converged at iteration 212", StopReasons.Describe(StopReason.Converged, 212));
        Assert.Equal("stopped at max_iter 1000 (not converged)", StopReasons.Describe(StopReason.MaxIter, 1000));
        Assert.Equal("line search failed at iteration 87", StopReasons.Describe(StopReason.LineSearch, 87));
    }

    [Fact]
    public void Parse_WireNames_RoundTripAndRefuseOthers()
    {
        Assert.All(Enum.GetValues<StopReason>(), r => Assert.Equal(r, StopReasons.Parse(StopReasons.ToWire(r))));
        Assert.Null(StopReasons.Parse(null));
        Assert.Null(StopReasons.Parse(""));
        Assert.Throws<InvalidDataException>(() => StopReasons.Parse("Converged"));
    }
}
