using System.Collections.Immutable;
using System.ComponentModel;
using OneOff.Core.Query;

namespace OneOff.Dashboard.Results;

/// <summary>
/// Everything the run page plots, fetched together (each part cached on its own). A part that could not be read is
/// null and <see cref="Damage"/> says so: the rest is shown as it is.
/// </summary>
/// <param name="Training">The training points.</param>
/// <param name="Fractions">Class counts of the training and test data.</param>
/// <param name="Metrics">Every model's metrics (with the best size).</param>
/// <param name="BestSurface">The decision surface of the best size (null for a run without models).</param>
/// <param name="Surfaces">Every model's class map.</param>
/// <param name="Loss">Every model's loss curve.</param>
[ImmutableObject(true)]
public sealed record RunResults(
    PointSet? Training, ClassFractions? Fractions, RunMetrics? Metrics, DecisionSurface? BestSurface, SurfaceSet? Surfaces, LossCurves? Loss)
{
    private readonly int? _bestNHidden;

    /// <summary>
    /// The run's best size: the one its record holds (the manifest's <c>best_n_hidden</c>) when given, else the
    /// same rule over <see cref="Metrics"/> (<see cref="RunMetrics.BestNHidden"/>).
    /// </summary>
    public int? BestNHidden
    {
        get => _bestNHidden ?? Metrics?.BestNHidden;
        init => _bestNHidden = value;
    }

    /// <summary>What of the run's outputs cannot be read, in plain words ("the loss curves cannot be read"); empty when nothing.</summary>
    public ImmutableArray<string> Damage { get; init; } = [];

    /// <summary>True when at least one part was read.</summary>
    public bool HasAny => Training is not null || Fractions is not null || Metrics is not null || Surfaces is not null || Loss is not null;

    /// <summary>"This run's outputs are damaged: …." naming every damaged part, or null when there is none.</summary>
    public string? DamageSummary => Damage.IsDefaultOrEmpty ? null : $"This run's outputs are damaged: {string.Join("; ", Damage)}.";
}
