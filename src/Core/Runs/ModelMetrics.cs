using System.Text.Json.Serialization;

namespace OneOff.Core.Runs;

/// <summary>
/// The metrics of one trained model (one hidden-layer size): the one record of them, as the manifest's
/// <c>models</c> hold them, as the <c>metrics/n_hidden=N</c> table and the job's <c>model_done</c> event carry them,
/// and as queries return them. The JSON names are the manifest's (ARCHITECTURE.md, "Run outputs"); every one is
/// required when read except <c>stop_reason</c>, which outputs written before it existed (schema 1 manifests, older
/// metrics files) lack: it is then null (unknown).
/// </summary>
/// <param name="NHidden">Hidden-layer size N.</param>
/// <param name="TrainAcc">Accuracy on the training points.</param>
/// <param name="TestAcc">Accuracy on the held-out points.</param>
/// <param name="SurfaceAgree">Fraction of grid cells whose predicted class equals the noiseless geometry's.</param>
/// <param name="Iterations">Accepted L-BFGS iterations.</param>
/// <param name="FinalLoss">Mean cross-entropy at the end.</param>
/// <param name="FitSeconds">Wall time of the fit (training only), in seconds.</param>
/// <param name="StopReason">Why the fit ended; null when unknown (outputs written before it was recorded).</param>
public sealed record ModelMetrics(
    [property: JsonPropertyName("n_hidden"), JsonRequired] int NHidden,
    [property: JsonPropertyName("train_acc"), JsonRequired] double TrainAcc,
    [property: JsonPropertyName("test_acc"), JsonRequired] double TestAcc,
    [property: JsonPropertyName("surface_agree"), JsonRequired] double SurfaceAgree,
    [property: JsonPropertyName("iterations"), JsonRequired] int Iterations,
    [property: JsonPropertyName("final_loss"), JsonRequired] double FinalLoss,
    [property: JsonPropertyName("fit_seconds"), JsonRequired] double FitSeconds,
    [property: JsonPropertyName("stop_reason"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] StopReason? StopReason = null)
{
    /// <summary>
    /// The best model: the highest surface agreement, ties to the smaller N (the manifest's <c>best_n_hidden</c>);
    /// null when there are no models.
    /// </summary>
    public static ModelMetrics? Best(IEnumerable<ModelMetrics> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        ModelMetrics? best = null;
        foreach (var model in models)
        {
            if (best is null || model.SurfaceAgree > best.SurfaceAgree
                || (model.SurfaceAgree == best.SurfaceAgree && model.NHidden < best.NHidden))
            {
                best = model;
            }
        }

        return best;
    }
}
