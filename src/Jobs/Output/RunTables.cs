using Parquet.Schema;
using OneOff.Core.Runs;
using OneOff.Jobs.Training;
using OneOff.Jobs.Data;

namespace OneOff.Jobs.Output;

/// <summary>
/// The Parquet files of a run, with the contract's columns and types (Parquet.Net, one row group, Snappy):
/// train/test points, and per hidden size its grid, metrics and loss curve.
/// </summary>
public static class RunTables
{
    /// <summary>The train/test table of a data set.</summary>
    public static async Task<byte[]> PointsAsync(XoDataset data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var n = data.Count;
        var ids = new long[n];
        var names = new string[n];
        var xs = new double[n];
        var os = new double[n];
        var bs = new double[n];
        for (var i = 0; i < n; i++)
        {
            ids[i] = i;
            names[i] = XoClasses.Label(data.Classes[i]);
            xs[i] = data.Classes[i] == XoClass.X ? 1 : 0;
            os[i] = data.Classes[i] == XoClass.O ? 1 : 0;
            bs[i] = data.Classes[i] == XoClass.B ? 1 : 0;
        }

        return await ParquetTables.WriteAsync(RunSchemas.Points, async rg =>
        {
            await rg.WriteAsync<long>(RunSchemas.Id, ids, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(RunSchemas.RanNum, data.RanNum, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync(RunSchemas.Class, names).ConfigureAwait(false);
            await rg.WriteAsync<double>(RunSchemas.XScore, xs, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(RunSchemas.OScore, os, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(RunSchemas.BScore, bs, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(RunSchemas.X0, data.X0, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(RunSchemas.Y0, data.Y0, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(RunSchemas.X, data.X, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(RunSchemas.Y, data.Y, cancellationToken: cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>Reads a train/test table back.</summary>
    /// <exception cref="InvalidDataException">The file is not a points table of the contract.</exception>
    public static async Task<XoDataset> ReadPointsAsync(byte[] parquet, CancellationToken cancellationToken = default)
    {
        using var stream = new MemoryStream(parquet, writable: false);
        await using var reader = await ParquetTables.OpenAsync(stream, RunSchemas.Points, cancellationToken).ConfigureAwait(false);
        using var rg = reader.OpenRowGroupReader(0);
        var n = checked((int)rg.RowCount);
        var names = new string?[n];
        await rg.ReadAsync(RunSchemas.Class, names.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
        var classes = new XoClass[n];
        for (var i = 0; i < n; i++)
        {
            try
            {
                classes[i] = XoClasses.Parse(names[i]);
            }
            catch (FormatException e)
            {
                throw new InvalidDataException($"Row {i}: {e.Message}", e);
            }
        }

        async Task<double[]> Read(DataField<double> field)
        {
            var values = new double[n];
            await rg.ReadAsync<double>(field, values.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
            return values;
        }

        return new XoDataset(await Read(RunSchemas.RanNum).ConfigureAwait(false), classes, await Read(RunSchemas.X0).ConfigureAwait(false),
            await Read(RunSchemas.Y0).ConfigureAwait(false), await Read(RunSchemas.X).ConfigureAwait(false), await Read(RunSchemas.Y).ConfigureAwait(false));
    }

    /// <summary>The grid table of one model: every cell's centre, predicted class and probabilities.</summary>
    public static async Task<byte[]> GridAsync(ModelResult model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (x, y) = XoGrid.Centres();
        var names = model.GridClass.Select(XoClasses.Label).ToArray();
        return await ParquetTables.WriteAsync(RunSchemas.Grid, async rg =>
        {
            await rg.WriteAsync<double>(RunSchemas.X, x, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(RunSchemas.Y, y, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync(RunSchemas.ClassPred, names).ConfigureAwait(false);
            await rg.WriteAsync<double>(RunSchemas.PX, model.GridPX, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(RunSchemas.PO, model.GridPO, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(RunSchemas.PB, model.GridPB, cancellationToken: cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>The loss curve of one model: the loss after each accepted iteration.</summary>
    public static Task<byte[]> LossAsync(ModelResult model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var iterations = Enumerable.Range(1, model.Loss.Length).ToArray();
        return ParquetTables.WriteAsync(RunSchemas.LossCurve, async rg =>
        {
            await rg.WriteAsync<int>(RunSchemas.Iteration, iterations, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(RunSchemas.Loss, model.Loss, cancellationToken: cancellationToken).ConfigureAwait(false);
        });
    }

}
