namespace OneOff.Core.Runs;

/// <summary>
/// How many bytes a run writes under <c>runs/{runId}/</c>, estimated from its parameters before it starts (the disk
/// budget <c>OneOff:Runs:DiskBudgetBytes</c> uses it). Slightly above what the job writes, never far below.
/// </summary>
/// <remarks>
/// Measured on 2026-12-02 from the objects of CLI sweeps (<c>oneoff-job sweep</c>, Parquet.Net output as the job
/// writes it): <c>train</c> and <c>test</c> 47 384 935 and 47 381 917 bytes for 1 000 000 points each, 712 355 for
/// 15 000, 6 406 for 100 (47.4 bytes a point); a grid file 184–199 KB whatever the size (10 201 cells; less when the
/// surface is flat); a metrics file 1 108 bytes; a loss file 410 bytes for 1 iteration and 1 618 for 100 (12.2 bytes
/// an iteration); the manifest 900 bytes plus about 225 a size. The default study wrote 2 962 459 bytes of objects
/// (estimate 2 993 500); one size over 1 000 000 + 1 000 000 points 94 953 405 (estimate 96 203 013). The largest
/// run the form accepts is estimated at 102.5 MB.
/// </remarks>
public static class RunOutputSize
{
    /// <summary>Bytes per training or held-out point (a row of <c>train</c> or <c>test</c>).</summary>
    public const long BytesPerPoint = 48;

    /// <summary>Bytes of one size's decision surface (<c>grid/n_hidden=N</c>: 10 201 cells).</summary>
    public const long BytesPerGrid = 200_000;

    /// <summary>Bytes per size besides its grid and loss rows: its metrics file, the loss file's header, its manifest entry.</summary>
    public const long BytesPerSize = 2_000;

    /// <summary>Bytes per iteration of one size's loss curve (<c>loss/n_hidden=N</c>); a fit writes at most max_iter rows.</summary>
    public const double BytesPerLossRow = 12.5;

    /// <summary>Bytes of the manifest besides its models.</summary>
    public const long FixedBytes = 1_000;

    /// <summary>The estimated bytes of a run's outputs.</summary>
    /// <param name="parameters">Validated run parameters.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    public static long Estimate(RunParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var sizes = (long)parameters.HiddenSizes.Length;
        var lossRows = (long)Math.Ceiling(parameters.MaxIter * BytesPerLossRow);
        return FixedBytes
            + BytesPerPoint * ((long)parameters.TrainSize + parameters.TestSize)
            + sizes * (BytesPerGrid + BytesPerSize + lossRows);
    }
}
