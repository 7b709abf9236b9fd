using Parquet.Schema;

namespace OneOff.Core.Runs;

/// <summary>The one-row <c>metrics/n_hidden=N</c> table of one model: written by the job, read by the progress scan.</summary>
public static class MetricsTable
{
    /// <summary>The one-row metrics table of one model (its <see cref="ModelMetrics.NHidden"/> is the partition, not a column).</summary>
    public static Task<byte[]> WriteAsync(ModelMetrics m, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(m);
        return ParquetTables.WriteAsync(RunSchemas.Metrics, async rg =>
        {
            await rg.WriteAsync<double>(RunSchemas.TrainAcc, new[] { m.TrainAcc }, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(RunSchemas.TestAcc, new[] { m.TestAcc }, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(RunSchemas.SurfaceAgree, new[] { m.SurfaceAgree }, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<int>(RunSchemas.Iterations, new[] { m.Iterations }, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(RunSchemas.FinalLoss, new[] { m.FinalLoss }, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(RunSchemas.FitSeconds, new[] { m.FitSeconds }, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync(RunSchemas.StopReason, new[] { StopReasons.ToWire(m.StopReason) }).ConfigureAwait(false);
        });
    }

    /// <summary>
    /// Reads the metrics table of size <paramref name="nHidden"/> back; a file written before <c>stop_reason</c>
    /// existed reads with <see cref="ModelMetrics.StopReason"/> null.
    /// </summary>
    /// <exception cref="InvalidDataException">Not a one-row metrics table, or a <c>stop_reason</c> that is none.</exception>
    public static async Task<ModelMetrics> ReadAsync(byte[] parquet, int nHidden, CancellationToken cancellationToken = default)
    {
        using var stream = new MemoryStream(parquet, writable: false);
        await using var reader = await ParquetTables.OpenAsync(stream, RunSchemas.MetricsRequired, cancellationToken).ConfigureAwait(false);
        using var rg = reader.OpenRowGroupReader(0);
        if (rg.RowCount != 1)
        {
            throw new InvalidDataException($"The metrics of N={nHidden} have {rg.RowCount} rows; expected 1.");
        }

        async Task<double> One(DataField<double> field)
        {
            var v = new double[1];
            await rg.ReadAsync<double>(field, v.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
            return v[0];
        }

        var iterations = new int[1];
        await rg.ReadAsync<int>(RunSchemas.Iterations, iterations.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
        StopReason? stopReason = null;
        if (reader.Schema.GetDataFields().Any(f => f.Name == RunSchemas.StopReason.Name))
        {
            var reasons = new string?[1];
            await rg.ReadAsync(RunSchemas.StopReason, reasons.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
            stopReason = StopReasons.Parse(reasons[0]);
        }

        return new ModelMetrics(nHidden, await One(RunSchemas.TrainAcc).ConfigureAwait(false), await One(RunSchemas.TestAcc).ConfigureAwait(false),
            await One(RunSchemas.SurfaceAgree).ConfigureAwait(false), iterations[0], await One(RunSchemas.FinalLoss).ConfigureAwait(false),
            await One(RunSchemas.FitSeconds).ConfigureAwait(false), stopReason);
    }
}
