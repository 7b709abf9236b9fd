using Parquet.Schema;

namespace OneOff.Core.Runs;

/// <summary>
/// The Parquet schemas of a run's tables (ARCHITECTURE.md, "Run outputs"): written by the job, read back by the
/// job's later steps and by the progress scan, queried by the engines. One row group per file.
/// </summary>
public static class RunSchemas
{
    /// <summary>The <c>id</c> column.</summary>
    public static readonly DataField<long> Id = new("id");

    /// <summary>The <c>ran_num</c> column.</summary>
    public static readonly DataField<double> RanNum = new("ran_num");

    /// <summary>The <c>class</c> column.</summary>
    public static readonly DataField<string> Class = new("class");

    /// <summary>The <c>xscore</c> column.</summary>
    public static readonly DataField<double> XScore = new("xscore");

    /// <summary>The <c>oscore</c> column.</summary>
    public static readonly DataField<double> OScore = new("oscore");

    /// <summary>The <c>bscore</c> column.</summary>
    public static readonly DataField<double> BScore = new("bscore");

    /// <summary>The <c>x0</c> column.</summary>
    public static readonly DataField<double> X0 = new("x0");

    /// <summary>The <c>y0</c> column.</summary>
    public static readonly DataField<double> Y0 = new("y0");

    /// <summary>The <c>x</c> column.</summary>
    public static readonly DataField<double> X = new("x");

    /// <summary>The <c>y</c> column.</summary>
    public static readonly DataField<double> Y = new("y");

    /// <summary>The schema of <c>train/</c> and <c>test/</c>.</summary>
    public static readonly ParquetSchema Points = new(Id, RanNum, Class, XScore, OScore, BScore, X0, Y0, X, Y);

    /// <summary>The <c>clasPred</c> column.</summary>
    public static readonly DataField<string> ClassPred = new("class_pred");

    /// <summary>The <c>p_x</c> column.</summary>
    public static readonly DataField<double> PX = new("p_x");

    /// <summary>The <c>p_o</c> column.</summary>
    public static readonly DataField<double> PO = new("p_o");

    /// <summary>The <c>p_b</c> column.</summary>
    public static readonly DataField<double> PB = new("p_b");

    /// <summary>The schema of <c>grid/n_hidden=N/</c>.</summary>
    public static readonly ParquetSchema Grid = new(X, Y, ClassPred, PX, PO, PB);

    /// <summary>The <c>train_acc</c> column.</summary>
    public static readonly DataField<double> TrainAcc = new("train_acc");

    /// <summary>The <c>test_acc</c> column.</summary>
    public static readonly DataField<double> TestAcc = new("test_acc");

    /// <summary>The <c>surface_agree</c> column.</summary>
    public static readonly DataField<double> SurfaceAgree = new("surface_agree");

    /// <summary>The <c>iterations</c> column.</summary>
    public static readonly DataField<int> Iterations = new("iterations");

    /// <summary>The <c>final_loss</c> column.</summary>
    public static readonly DataField<double> FinalLoss = new("final_loss");

    /// <summary>The <c>fit_seconds</c> column.</summary>
    public static readonly DataField<double> FitSeconds = new("fit_seconds");

    /// <summary>The <c>stop_reason</c> column: <c>"converged"</c>, <c>"max_iter"</c> or <c>"line_search"</c> (<see cref="StopReasons"/>).</summary>
    public static readonly DataField<string> StopReason = new("stop_reason");

    /// <summary>The schema of <c>metrics/n_hidden=N/</c>.</summary>
    public static readonly ParquetSchema Metrics = new(TrainAcc, TestAcc, SurfaceAgree, Iterations, FinalLoss, FitSeconds, StopReason);

    /// <summary>
    /// The columns every metrics file has, also those written before <see cref="StopReason"/> existed: what a reader
    /// requires (a file without <c>stop_reason</c> is read with the reason unknown).
    /// </summary>
    public static readonly ParquetSchema MetricsRequired = new(TrainAcc, TestAcc, SurfaceAgree, Iterations, FinalLoss, FitSeconds);

    /// <summary>The <c>iteration</c> column.</summary>
    public static readonly DataField<int> Iteration = new("iteration");

    /// <summary>The <c>loss</c> column.</summary>
    public static readonly DataField<double> Loss = new("loss");

    /// <summary>The schema of <c>loss/n_hidden=N/</c>.</summary>
    public static readonly ParquetSchema LossCurve = new(Iteration, Loss);
}
