using System.Text;
using OneOff.Core.Runs;

namespace OneOff.Core.Tests.Runs;

public sealed class ModelMetricsTests
{
    private const string ManifestJson = Schema1Manifest.Json;

    [Fact]
    public void Parse_ExistingManifest_ReadsModelsAsModelMetrics()
    {
        var manifest = RunManifest.Parse(Encoding.UTF8.GetBytes(ManifestJson));

        Assert.Equal(
            [new ModelMetrics(5, 0.81, 0.8, 0.72, 100, 0.5, 0.02), new ModelMetrics(30, 0.896, 0.889, 0.943, 100, 0.231, 0.05)],
            manifest.Models);
        Assert.Equal(30, manifest.BestNHidden);
    }

    [Fact]
    public void ToJson_ExistingManifest_KeepsTheWireNamesOfModels()
    {
        var manifest = RunManifest.Parse(Encoding.UTF8.GetBytes(ManifestJson));

        var json = Encoding.UTF8.GetString(manifest.ToJson());

        Assert.Contains("\"n_hidden\": 30,", json, StringComparison.Ordinal);
        Assert.Contains("\"surface_agree\": 0.943,", json, StringComparison.Ordinal);
        Assert.Contains("\"fit_seconds\": 0.05", json, StringComparison.Ordinal);
        Assert.Equal(manifest.Models, RunManifest.Parse(manifest.ToJson()).Models);
    }

    [Fact]
    public void Parse_ManifestModelWithoutAMetric_Throws()
    {
        var broken = ManifestJson.Replace("\"surface_agree\": 0.943, ", "", StringComparison.Ordinal);

        Assert.Throws<InvalidDataException>(() => RunManifest.Parse(Encoding.UTF8.GetBytes(broken)));
    }

    [Fact]
    public void Best_HighestAgreement_TiesToTheSmallerSize()
    {
        ModelMetrics[] models =
        [
            new(600, 0.95, 0.9, 0.90, 100, 0.1, 1),
            new(30, 0.9, 0.89, 0.94, 100, 0.2, 0.2),
            new(50, 0.9, 0.89, 0.94, 100, 0.2, 0.3),
            new(5, 0.8, 0.78, 0.70, 100, 0.5, 0.1),
        ];

        Assert.Equal(30, ModelMetrics.Best(models)?.NHidden);
        Assert.Null(ModelMetrics.Best([]));
    }

    [Fact]
    public async Task MetricsTable_RoundTrips()
    {
        var model = new ModelMetrics(30, 0.896, 0.889, 0.943, 100, 0.231, 0.05);

        var read = await MetricsTable.ReadAsync(await MetricsTable.WriteAsync(model, TestContext.Current.CancellationToken), 30, TestContext.Current.CancellationToken);

        Assert.Equal(model, read);
    }
}
