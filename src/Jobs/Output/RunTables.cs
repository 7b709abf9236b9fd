using Parquet;
using Parquet.Schema;
using OneOff.Jobs.Data;
using OneOff.Jobs.Training;

namespace OneOff.Jobs.Output;

/// <summary>
/// The Parquet files of a run, with the contract's columns and types (Parquet.Net, one row group, Snappy):
/// train/test points, and per hidden size its grid, metrics and loss curve.
/// </summary>
public static class RunTables
{
    private static readonly DataField<long> s_id = new("id");
    private static readonly DataField<double> s_ranNum = new("ran_num");
    private static readonly DataField<string> s_class = new("class");
    private static readonly DataField<double> s_xScore = new("xscore");
    private static readonly DataField<double> s_oScore = new("oscore");
    private static readonly DataField<double> s_bScore = new("bscore");
    private static readonly DataField<double> s_x0 = new("x0");
    private static readonly DataField<double> s_y0 = new("y0");
    private static readonly DataField<double> s_x = new("x");
    private static readonly DataField<double> s_y = new("y");
    private static readonly ParquetSchema s_points = new(s_id, s_ranNum, s_class, s_xScore, s_oScore, s_bScore, s_x0, s_y0, s_x, s_y);

    private static readonly DataField<string> s_classPred = new("class_pred");
    private static readonly DataField<double> s_pX = new("p_x");
    private static readonly DataField<double> s_pO = new("p_o");
    private static readonly DataField<double> s_pB = new("p_b");
    private static readonly ParquetSchema s_grid = new(s_x, s_y, s_classPred, s_pX, s_pO, s_pB);

    private static readonly DataField<double> s_trainAcc = new("train_acc");
    private static readonly DataField<double> s_testAcc = new("test_acc");
    private static readonly DataField<double> s_surfaceAgree = new("surface_agree");
    private static readonly DataField<int> s_iterations = new("iterations");
    private static readonly DataField<double> s_finalLoss = new("final_loss");
    private static readonly DataField<double> s_fitSeconds = new("fit_seconds");
    private static readonly ParquetSchema s_metrics = new(s_trainAcc, s_testAcc, s_surfaceAgree, s_iterations, s_finalLoss, s_fitSeconds);

    private static readonly DataField<int> s_iteration = new("iteration");
    private static readonly DataField<double> s_loss = new("loss");
    private static readonly ParquetSchema s_lossSchema = new(s_iteration, s_loss);

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
            names[i] = XoGeometry.ClassNames[(int)data.Classes[i]];
            xs[i] = data.Classes[i] == XoClass.X ? 1 : 0;
            os[i] = data.Classes[i] == XoClass.O ? 1 : 0;
            bs[i] = data.Classes[i] == XoClass.B ? 1 : 0;
        }

        return await WriteAsync(s_points, async rg =>
        {
            await rg.WriteAsync<long>(s_id, ids, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(s_ranNum, data.RanNum, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync(s_class, names).ConfigureAwait(false);
            await rg.WriteAsync<double>(s_xScore, xs, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(s_oScore, os, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(s_bScore, bs, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(s_x0, data.X0, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(s_y0, data.Y0, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(s_x, data.X, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(s_y, data.Y, cancellationToken: cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>Reads a train/test table back.</summary>
    /// <exception cref="InvalidDataException">The file is not a points table of the contract.</exception>
    public static async Task<XoDataset> ReadPointsAsync(byte[] parquet, CancellationToken cancellationToken = default)
    {
        using var stream = new MemoryStream(parquet, writable: false);
        await using var reader = await OpenAsync(stream, s_points, cancellationToken).ConfigureAwait(false);
        using var rg = reader.OpenRowGroupReader(0);
        var n = checked((int)rg.RowCount);
        var names = new string?[n];
        await rg.ReadAsync(s_class, names.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
        var classes = new XoClass[n];
        for (var i = 0; i < n; i++)
        {
            classes[i] = names[i] switch
            {
                "X" => XoClass.X,
                "O" => XoClass.O,
                "B" => XoClass.B,
                _ => throw new InvalidDataException($"Row {i} has class '{names[i]}'; expected X, O or B."),
            };
        }

        async Task<double[]> Read(DataField<double> field)
        {
            var values = new double[n];
            await rg.ReadAsync<double>(field, values.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
            return values;
        }

        return new XoDataset(await Read(s_ranNum).ConfigureAwait(false), classes, await Read(s_x0).ConfigureAwait(false),
            await Read(s_y0).ConfigureAwait(false), await Read(s_x).ConfigureAwait(false), await Read(s_y).ConfigureAwait(false));
    }

    /// <summary>The grid table of one model: every cell's centre, predicted class and probabilities.</summary>
    public static async Task<byte[]> GridAsync(ModelResult model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (x, y) = XoGrid.Centres();
        var names = model.GridClass.Select(c => XoGeometry.ClassNames[(int)c]).ToArray();
        return await WriteAsync(s_grid, async rg =>
        {
            await rg.WriteAsync<double>(s_x, x, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(s_y, y, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync(s_classPred, names).ConfigureAwait(false);
            await rg.WriteAsync<double>(s_pX, model.GridPX, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(s_pO, model.GridPO, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(s_pB, model.GridPB, cancellationToken: cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>The one-row metrics table of one model.</summary>
    public static Task<byte[]> MetricsAsync(ManifestModel m, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(m);
        return WriteAsync(s_metrics, async rg =>
        {
            await rg.WriteAsync<double>(s_trainAcc, new[] { m.TrainAcc }, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(s_testAcc, new[] { m.TestAcc }, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(s_surfaceAgree, new[] { m.SurfaceAgree }, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<int>(s_iterations, new[] { m.Iterations }, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(s_finalLoss, new[] { m.FinalLoss }, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(s_fitSeconds, new[] { m.FitSeconds }, cancellationToken: cancellationToken).ConfigureAwait(false);
        });
    }

    /// <summary>Reads a metrics table back.</summary>
    /// <exception cref="InvalidDataException">Not a one-row metrics table.</exception>
    public static async Task<ManifestModel> ReadMetricsAsync(byte[] parquet, int nHidden, CancellationToken cancellationToken = default)
    {
        using var stream = new MemoryStream(parquet, writable: false);
        await using var reader = await OpenAsync(stream, s_metrics, cancellationToken).ConfigureAwait(false);
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
        await rg.ReadAsync<int>(s_iterations, iterations.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
        return new ManifestModel(nHidden, await One(s_trainAcc).ConfigureAwait(false), await One(s_testAcc).ConfigureAwait(false),
            await One(s_surfaceAgree).ConfigureAwait(false), iterations[0], await One(s_finalLoss).ConfigureAwait(false),
            await One(s_fitSeconds).ConfigureAwait(false));
    }

    /// <summary>The loss curve of one model: the loss after each accepted iteration.</summary>
    public static Task<byte[]> LossAsync(ModelResult model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var iterations = Enumerable.Range(1, model.Loss.Length).ToArray();
        return WriteAsync(s_lossSchema, async rg =>
        {
            await rg.WriteAsync<int>(s_iteration, iterations, cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.WriteAsync<double>(s_loss, model.Loss, cancellationToken: cancellationToken).ConfigureAwait(false);
        });
    }

    private static async Task<ParquetReader> OpenAsync(Stream stream, ParquetSchema expected, CancellationToken cancellationToken)
    {
        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException)
        {
            throw new InvalidDataException($"Not a readable Parquet file: {e.Message}", e);
        }

        var names = reader.Schema.GetDataFields().Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var missing = expected.GetDataFields().Select(f => f.Name).Where(n => !names.Contains(n)).ToList();
        if (missing.Count > 0 || reader.RowGroupCount != 1)
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw new InvalidDataException(missing.Count > 0
                ? $"The Parquet file lacks the column(s) {string.Join(", ", missing)}."
                : $"The Parquet file has {reader.RowGroupCount} row groups; expected 1.");
        }

        return reader;
    }

    private static async Task<byte[]> WriteAsync(ParquetSchema schema, Func<ParquetRowGroupWriter, Task> write)
    {
        using var stream = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(schema, stream).ConfigureAwait(false))
        {
            using var rg = writer.CreateRowGroup();
            await write(rg).ConfigureAwait(false);
        }

        return stream.ToArray();
    }
}
