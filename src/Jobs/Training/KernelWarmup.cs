using OneOff.Core.Runs;

namespace OneOff.Jobs.Training;

/// <summary>
/// Compiles the kernel (its methods are always fully optimised by the JIT, never precompiled) on a spare thread
/// while the CLI parses and validates, so that the first fits do not wait ~0.1 s for the JIT.
/// </summary>
internal static class KernelWarmup
{
    /// <summary>Starts compiling the default kernel in the background; returns at once.</summary>
    public static void Start(Precision precision = Precision.Single) => _ = Task.Run(() => Run(precision));

    private static void Run(Precision precision)
    {
        const int n = 64;
        var x = new double[n];
        var y = new double[n];
        var classes = new XoClass[n];
        var objective = MlpObjectives.Create(precision, LaneWidth.Auto, x, y, classes, hidden: 2);
        var layout = new MlpLayout(2);
        var theta = layout.Initialise(0);
        objective.Evaluate(theta, new double[layout.Dimension]);
        objective.Predict(theta, x, y, new double[n], new double[n], new double[n]);
    }
}
