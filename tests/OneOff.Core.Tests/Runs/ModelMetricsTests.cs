using System.Text;
using OneOff.Core.Runs;

namespace OneOff.Core.Tests.Runs;

public sealed class ModelMetricsTests
{
    // A schema 1 manifest as the job wrote it before ModelMetrics replaced ManifestModel.
    private const string ManifestJson = """
        {
          "schema": 1,
          "run_id": "20261125-101500-k3x9",
          "job_version": "1.0.0",
          "created_utc": "2026-11-25T10:15:42.123+00:00",
          "parameters": {
            "train_size": 15000, "test_size": 5000, "hidden_sizes": [5, 30], "data_seed": 13, "model_seed": 51,
            "jitter": 0.4, "max_iter": 100, "tol": 1e-06, "x_half_width": 0.5, "radius": 3.5, "box_half_width": 7.1,
            "run_id": "20261125-101500-k3x9"
          },
          "models": [
            { "n_hidden": 5, "train_acc": 0.81, "test_acc": 0.8, "surface_agree": 0.72, "iterations": 100, "final_loss": 0.5, "fit_seconds": 0.02 },
            { "n_hidden": 30, "train_acc": 0.896, "test_acc": 0.889, "surface_agree": 0.943, "iterations": 100, "final_loss": 0.231, "fit_seconds": 0.05 }
          ],
          "best_n_hidden": 30,
          "rows": { "train": 15000, "test": 5000, "grid": 10201 },
          "timings": { "generate_seconds": 0.01, "train_seconds": 0.07, "write_seconds": 0.02, "total_seconds": 0.1 }
        }
        """;

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
