using OneOff.Core.Query;
using OneOff.Core.Runs;

namespace OneOff.Dashboard.Export;

/// <summary>A chart's data as a table: its header and its rows (as many fields each), produced as they are written.</summary>
/// <param name="Chart">The chart's name in the download's URL (<see cref="ChartTables.Names"/>).</param>
/// <param name="Header">The column names.</param>
/// <param name="Rows">The rows, lazily.</param>
/// <param name="RowCount">How many rows <paramref name="Rows"/> yields.</param>
public sealed record ChartTable(string Chart, IReadOnlyList<string> Header, IEnumerable<IReadOnlyList<string>> Rows, int RowCount);

/// <summary>
/// Every chart of the run page as a table, from the same query results the charts draw (<see cref="PointSet"/>,
/// <see cref="DecisionSurface"/>, …). Column names are the Parquet columns they come from (<see cref="RunSchemas"/>).
/// </summary>
public static class ChartTables
{
    /// <summary>The training data chart (noiseless and jittered positions and the class of every plotted point).</summary>
    public const string Training = "training";

    /// <summary>The class fractions and row counts of the training and test data.</summary>
    public const string ClassFractions = "class-fractions";

    /// <summary>One model's decision surface (<c>?n=</c> picks the size).</summary>
    public const string Surface = "surface";

    /// <summary>Every model's class map.</summary>
    public const string Surfaces = "surfaces";

    /// <summary>Accuracy and surface agreement against N: every model's metrics.</summary>
    public const string Accuracy = "accuracy";

    /// <summary>Every model's loss curve.</summary>
    public const string Loss = "loss";

    /// <summary>Every chart name, in the run page's order.</summary>
    public static IReadOnlyList<string> Names { get; } = [ClassFractions, Training, Surface, Surfaces, Accuracy, Loss];

    /// <summary>The data set column of the class fractions.</summary>
    public const string DataSetColumn = "data_set";

    /// <summary>The count column of the class fractions.</summary>
    public const string CountColumn = "count";

    /// <summary>The fraction column of the class fractions.</summary>
    public const string FractionColumn = "fraction";

    public static ChartTable Of(PointSet points)
    {
        ArgumentNullException.ThrowIfNull(points);
        return new ChartTable(
            Training,
            [RunSchemas.X0.Name, RunSchemas.Y0.Name, RunSchemas.X.Name, RunSchemas.Y.Name, RunSchemas.Class.Name],
            Enumerable.Range(0, points.Count).Select(i => (IReadOnlyList<string>)
                [Csv.Number(points.X0[i]), Csv.Number(points.Y0[i]), Csv.Number(points.X[i]), Csv.Number(points.Y[i]), ClassOf(points.Classes[i])]),
            points.Count);
    }

    public static ChartTable Of(ClassFractions fractions)
    {
        ArgumentNullException.ThrowIfNull(fractions);
        var rows = new List<IReadOnlyList<string>>();
        foreach (var (set, counts) in new[] { ("train", fractions.Train), ("test", fractions.Test) })
        {
            foreach (var pointClass in XoClasses.All)
            {
                rows.Add([set, XoClasses.Label(pointClass), Csv.Number(counts.Count(pointClass)), Csv.Number(counts.Fraction(pointClass))]);
            }
        }

        return new ChartTable(ClassFractions, [DataSetColumn, RunSchemas.Class.Name, CountColumn, FractionColumn], rows, rows.Count);
    }

    public static ChartTable Of(DecisionSurface surface)
    {
        ArgumentNullException.ThrowIfNull(surface);
        var width = surface.X.Length;
        return new ChartTable(
            Surface,
            [RunTables.NHiddenColumn, RunSchemas.X.Name, RunSchemas.Y.Name, RunSchemas.ClassPred.Name, RunSchemas.PX.Name, RunSchemas.PO.Name, RunSchemas.PB.Name],
            Enumerable.Range(0, surface.Classes.Length).Select(i => (IReadOnlyList<string>)
            [
                Csv.Number(surface.NHidden), Csv.Number(surface.X[i % width]), Csv.Number(surface.Y[i / width]), ClassOf(surface.Classes[i]),
                Csv.Number(surface.PX[i]), Csv.Number(surface.PO[i]), Csv.Number(surface.PB[i]),
            ]),
            surface.Classes.Length);
    }

    public static ChartTable Of(SurfaceSet surfaces)
    {
        ArgumentNullException.ThrowIfNull(surfaces);
        var width = surfaces.X.Length;
        return new ChartTable(
            Surfaces,
            [RunTables.NHiddenColumn, RunSchemas.X.Name, RunSchemas.Y.Name, RunSchemas.ClassPred.Name],
            Enumerable.Range(0, surfaces.NHidden.Length).SelectMany(k => Enumerable.Range(0, surfaces.Classes[k].Length).Select(i => (IReadOnlyList<string>)
                [Csv.Number(surfaces.NHidden[k]), Csv.Number(surfaces.X[i % width]), Csv.Number(surfaces.Y[i / width]), ClassOf(surfaces.Classes[k][i])])),
            surfaces.Classes.Sum(c => c.Length));
    }

    public static ChartTable Of(RunMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return new ChartTable(
            Accuracy,
            [
                RunTables.NHiddenColumn, RunSchemas.TrainAcc.Name, RunSchemas.TestAcc.Name, RunSchemas.SurfaceAgree.Name,
                RunSchemas.Iterations.Name, RunSchemas.FinalLoss.Name, RunSchemas.FitSeconds.Name, RunSchemas.StopReason.Name,
            ],
            metrics.Models.Select(m => (IReadOnlyList<string>)
            [
                Csv.Number(m.NHidden), Csv.Number(m.TrainAcc), Csv.Number(m.TestAcc), Csv.Number(m.SurfaceAgree),
                Csv.Number(m.Iterations), Csv.Number(m.FinalLoss), Csv.Number(m.FitSeconds),
                // Empty when unknown: outputs written before the reason was recorded.
                m.StopReason is { } reason ? StopReasons.ToWire(reason) : "",
            ]),
            metrics.Models.Count);
    }

    public static ChartTable Of(LossCurves curves)
    {
        ArgumentNullException.ThrowIfNull(curves);
        return new ChartTable(
            Loss,
            [RunTables.NHiddenColumn, RunSchemas.Iteration.Name, RunSchemas.Loss.Name],
            curves.Curves.SelectMany(c => Enumerable.Range(0, c.Iterations.Length).Select(i => (IReadOnlyList<string>)
                [Csv.Number(c.NHidden), Csv.Number(c.Iterations[i]), Csv.Number(c.Loss[i])])),
            curves.Curves.Sum(c => c.Iterations.Length));
    }

    private static string ClassOf(byte code) => XoClasses.Label((XoClass)code);
}
