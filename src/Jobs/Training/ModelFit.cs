using OneOff.Core.Runs;
using OneOff.Jobs.Data;

namespace OneOff.Jobs.Training;

/// <summary>The arithmetic precision of the training kernel.</summary>
public enum Precision
{
    /// <summary>float32 in the kernel, float64 in the optimiser and accumulators (the default: ~3× faster, same accuracy).</summary>
    Single,

    /// <summary>float64 throughout.</summary>
    Double,
}

/// <summary>Everything one hidden-layer size produced: metrics, loss curve and decision surface.</summary>
public sealed record ModelResult
{
    /// <summary>The model's metrics (its hidden-layer size among them).</summary>
    public required ModelMetrics Metrics { get; init; }

    /// <summary>The hidden-layer size N.</summary>
    public int NHidden => Metrics.NHidden;

    /// <summary>Mean cross-entropy after each accepted iteration (index 0 is iteration 1).</summary>
    public required double[] Loss { get; init; }

    /// <summary>Predicted class of each grid cell (<see cref="XoGrid"/> order).</summary>
    public required XoClass[] GridClass { get; init; }

    /// <summary>P(X) of each grid cell.</summary>
    public required double[] GridPX { get; init; }

    /// <summary>P(O) of each grid cell.</summary>
    public required double[] GridPO { get; init; }

    /// <summary>P(B) of each grid cell.</summary>
    public required double[] GridPB { get; init; }
}

/// <summary>Trains one MLP and evaluates it: the unit of work of a sweep (and of an EMR <c>train</c> step).</summary>
public static class ModelFit
{
    /// <summary>Fits an MLP with <paramref name="hidden"/> units on <paramref name="train"/> and evaluates it.</summary>
    /// <param name="p">Run parameters (model seed, iteration cap, tolerance, geometry).</param>
    /// <param name="hidden">Hidden-layer size.</param>
    /// <param name="train">Training data.</param>
    /// <param name="test">Held-out data.</param>
    /// <param name="time">Clock for <c>fit_seconds</c>.</param>
    /// <param name="onIteration">Called after every accepted iteration with (iteration, loss); may be null.</param>
    /// <param name="precision">Kernel precision.</param>
    /// <param name="cancellationToken">Stops the fit between iterations.</param>
    public static ModelResult Run(
        RunParameters p, int hidden, XoDataset train, XoDataset test, TimeProvider time,
        Action<int, double>? onIteration = null, Precision precision = Precision.Single, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(time);
        return Run(p, hidden, train, test, time, onIteration, precision, LaneWidth.Auto, cancellationToken);
    }

    internal static ModelResult Run(
        RunParameters p, int hidden, XoDataset train, XoDataset test, TimeProvider time,
        Action<int, double>? onIteration, Precision precision, LaneWidth width, CancellationToken cancellationToken)
    {
        var layout = new MlpLayout(hidden);
        var theta = layout.Initialise(p.ModelSeed);
        var objective = MlpObjectives.Create(precision, width, train.X, train.Y, train.Classes, hidden);
        var losses = new double[p.MaxIter];
        var started = time.GetTimestamp();
        var result = new Lbfgs(layout.Dimension).Minimize(objective, theta, p.MaxIter, p.Tol, (i, loss) =>
        {
            losses[i - 1] = loss;
            onIteration?.Invoke(i, loss);
        }, cancellationToken);
        var fitSeconds = time.GetElapsedTime(started).TotalSeconds;

        var (gx, gy) = XoGrid.Centres();
        var grid = Classify(objective, theta, gx, gy);
        var truth = XoGrid.TrueClasses(new XoGeometry(p.XHalfWidth, p.Radius));
        return new ModelResult
        {
            Metrics = new ModelMetrics(
                hidden,
                TrainAcc: Accuracy(Classify(objective, theta, train.X, train.Y).Classes, train.Classes),
                TestAcc: Accuracy(Classify(objective, theta, test.X, test.Y).Classes, test.Classes),
                SurfaceAgree: Accuracy(grid.Classes, truth),
                Iterations: result.Iterations,
                FinalLoss: result.Loss,
                FitSeconds: fitSeconds,
                StopReason: StopReasonOf(result.Stop)),
            Loss = losses[..result.Iterations],
            GridClass = grid.Classes,
            GridPX = grid.PX,
            GridPO = grid.PO,
            GridPB = grid.PB,
        };
    }

    /// <summary>The contract's name for how the optimiser ended: each exit of <see cref="Lbfgs.Minimize"/> maps to one reason.</summary>
    internal static StopReason StopReasonOf(LbfgsStop stop) => stop switch
    {
        LbfgsStop.GradientTolerance => StopReason.Converged,
        LbfgsStop.MaxIterations => StopReason.MaxIter,
        LbfgsStop.NoProgress => StopReason.LineSearch,
        _ => throw new ArgumentOutOfRangeException(nameof(stop), stop, "Not an L-BFGS stop."),
    };

    private static (XoClass[] Classes, double[] PX, double[] PO, double[] PB) Classify(IMlpObjective model, double[] theta, double[] x, double[] y)
    {
        var px = new double[x.Length];
        var po = new double[x.Length];
        var pb = new double[x.Length];
        model.Predict(theta, x, y, px, po, pb);
        var classes = new XoClass[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            // Ties go to the first class, as argmax does.
            classes[i] = px[i] >= po[i] && px[i] >= pb[i] ? XoClass.X : po[i] >= pb[i] ? XoClass.O : XoClass.B;
        }

        return (classes, px, po, pb);
    }

    private static double Accuracy(XoClass[] predicted, XoClass[] truth)
    {
        var hits = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            hits += predicted[i] == truth[i] ? 1 : 0;
        }

        return (double)hits / truth.Length;
    }
}
