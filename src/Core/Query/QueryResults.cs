using System.ComponentModel;
using OneOff.Core.Runs;

namespace OneOff.Core.Query;

/// <summary>
/// Points of the training or test data as column arrays (row <c>i</c> of every array is point <c>i</c>), in id order:
/// the noiseless rotated position (<see cref="X0"/>, <see cref="Y0"/>), the jittered position the models train on
/// (<see cref="X"/>, <see cref="Y"/>) and the class code (<see cref="XoClass"/>) of each point.
/// Treat the arrays as read-only: results are shared by every reader of a cache.
/// </summary>
[ImmutableObject(true)]
public sealed record PointSet(float[] X0, float[] Y0, float[] X, float[] Y, byte[] Classes)
{
    /// <summary>How many points.</summary>
    public int Count => Classes.Length;
}

/// <summary>How many points of one data set are of each class.</summary>
public readonly record struct ClassCounts(long X, long O, long B)
{
    /// <summary>All points of the data set.</summary>
    public long Total => X + O + B;

    /// <summary>How many points are of <paramref name="pointClass"/>.</summary>
    public long Count(XoClass pointClass) => pointClass switch
    {
        XoClass.X => X,
        XoClass.O => O,
        XoClass.B => B,
        _ => throw new ArgumentOutOfRangeException(nameof(pointClass), pointClass, "A class code is 0 (X), 1 (O) or 2 (B)."),
    };

    /// <summary>The fraction of points of <paramref name="pointClass"/> (0 for an empty data set).</summary>
    public double Fraction(XoClass pointClass) => Total == 0 ? 0 : (double)Count(pointClass) / Total;
}

/// <summary>Class counts (and so fractions and row counts) of the training and the test data, as the notebook printed them.</summary>
[ImmutableObject(true)]
public sealed record ClassFractions(ClassCounts Train, ClassCounts Test);

/// <summary>
/// One model's decision surface over the grid: the axes (cell centres, ascending) and, per cell in row-major order
/// (index <c>iy * X.Length + ix</c>), the predicted class code and the predicted probabilities.
/// </summary>
[ImmutableObject(true)]
public sealed record DecisionSurface(int NHidden, float[] X, float[] Y, byte[] Classes, float[] PX, float[] PO, float[] PB);

/// <summary>
/// The predicted class maps of every model of a run on one shared grid: <see cref="Classes"/>[k] belongs to
/// <see cref="NHidden"/>[k] (ascending), cells in row-major order as in <see cref="DecisionSurface"/>.
/// </summary>
[ImmutableObject(true)]
public sealed record SurfaceSet(float[] X, float[] Y, int[] NHidden, byte[][] Classes);

/// <summary>The metrics of every model of a run, by ascending hidden-layer size.</summary>
[ImmutableObject(true)]
public sealed record RunMetrics(IReadOnlyList<ModelMetrics> Models)
{
    /// <summary>
    /// The hidden-layer size whose surface agrees best with the true X/O geometry (<see cref="ModelMetrics.Best"/>,
    /// as the job computes the manifest's <c>best_n_hidden</c>); null for a run without models.
    /// </summary>
    public int? BestNHidden => ModelMetrics.Best(Models)?.NHidden;
}

/// <summary>The training loss after each accepted L-BFGS iteration of one model.</summary>
public sealed record LossCurve(int NHidden, int[] Iterations, double[] Loss);

/// <summary>The loss curves of every model of a run, by ascending hidden-layer size.</summary>
[ImmutableObject(true)]
public sealed record LossCurves(IReadOnlyList<LossCurve> Curves);

/// <summary>The result of a query engine's cheap health check.</summary>
/// <param name="IsHealthy">True when the engine can answer queries.</param>
/// <param name="Description">What was checked, or what failed.</param>
public sealed record QueryEngineHealth(bool IsHealthy, string Description);
