using System.ComponentModel;
using OneOff.Core.Query;

namespace OneOff.Dashboard.Results;

/// <summary>Everything the run page plots, fetched together (each part cached on its own).</summary>
/// <param name="Training">The training points.</param>
/// <param name="Fractions">Class counts of the training and test data.</param>
/// <param name="Metrics">Every model's metrics (with the best size).</param>
/// <param name="BestSurface">The decision surface of the best size (null for a run without models).</param>
/// <param name="Surfaces">Every model's class map.</param>
/// <param name="Loss">Every model's loss curve.</param>
[ImmutableObject(true)]
public sealed record RunResults(
    PointSet Training, ClassFractions Fractions, RunMetrics Metrics, DecisionSurface? BestSurface, SurfaceSet Surfaces, LossCurves Loss)
{
    private readonly int? _bestNHidden;

    /// <summary>
    /// The run's best size: the one its record holds (the manifest's <c>best_n_hidden</c>) when given, else the
    /// same rule over <see cref="Metrics"/> (<see cref="RunMetrics.BestNHidden"/>).
    /// </summary>
    public int? BestNHidden
    {
        get => _bestNHidden ?? Metrics.BestNHidden;
        init => _bestNHidden = value;
    }
}
