namespace OneOff.Core.Tests.Runs;

/// <summary>A schema 1 manifest as the job wrote it before ModelMetrics replaced ManifestModel and before stop reasons (schema 2).</summary>
internal static class Schema1Manifest
{
    public const string Json = """
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
}
