using OneOff.Core.Query;
using OneOff.Core.Runs;

namespace OneOff.Dashboard.Tests.Components.Controls.Charts;

/// <summary>Small, hand-made results for the chart tests: a 3 × 2 grid and a few models.</summary>
internal static class SurfaceCharts
{
    public static readonly float[] X = [-1, 0, 1];
    public static readonly float[] Y = [-0.5f, 0.5f];

    public static DecisionSurface Surface(int n = 30) =>
        new(n, X, Y, Classes: [0, 1, 2, 2, 1, 0], PX: [0.9f, 0, 0, 0, 0, 0.8f], PO: [0, 0.7f, 0, 0, 0.6f, 0], PB: [0.1f, 0.3f, 1, 1, 0.4f, 0.2f]);

    public static SurfaceSet Set() => new(X, Y, [5, 30, 600], [[0, 1, 2, 2, 1, 0], [1, 1, 1, 1, 1, 1], [2, 2, 2, 2, 2, 2]]);

    public static RunMetrics Metrics() => new(
    [
        new ModelMetrics(5, 0.80, 0.78, 0.70, 100, 0.5, 0.1),
        new ModelMetrics(30, 0.90, 0.89, 0.94, 100, 0.2, 0.2),
        new ModelMetrics(600, 0.93, 0.87, 0.88, 100, 0.1, 1.5),
    ]);
}
