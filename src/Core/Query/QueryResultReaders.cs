using System.Data.Common;
using System.Globalization;
using OneOff.Core.Runs;

namespace OneOff.Core.Query;

/// <summary>
/// Turns the rows of the catalog's queries (column order as in <see cref="QueryCatalog"/>) into compact results, for
/// every engine: DuckDB's own reader, or a reader over Athena's text cells. A reader must give <c>GetDouble</c>,
/// <c>GetInt32</c>, <c>GetString</c>, <c>IsDBNull</c> and <c>GetValue</c> (the <c>COUNT(*)</c> column, read with
/// <see cref="Convert.ToInt64(object, IFormatProvider)"/>).
/// </summary>
public static class QueryResultReaders
{
    /// <summary>Rows: x0, y0, x, y, class.</summary>
    public static PointSet ReadPoints(DbDataReader reader)
    {
        List<float> x0 = [], y0 = [], x = [], y = [];
        List<byte> classes = [];
        while (reader.Read())
        {
            x0.Add((float)reader.GetDouble(0));
            y0.Add((float)reader.GetDouble(1));
            x.Add((float)reader.GetDouble(2));
            y.Add((float)reader.GetDouble(3));
            classes.Add((byte)XoClasses.Parse(reader.GetString(4)));
        }

        return new PointSet([.. x0], [.. y0], [.. x], [.. y], [.. classes]);
    }

    /// <summary>Rows: dataset ('train' or 'test'), class, points.</summary>
    public static ClassFractions ReadClassFractions(DbDataReader reader)
    {
        var counts = new Dictionary<string, long[]>(StringComparer.Ordinal) { ["train"] = new long[3], ["test"] = new long[3] };
        while (reader.Read())
        {
            var dataset = reader.GetString(0);
            if (!counts.TryGetValue(dataset, out var row))
            {
                throw new InvalidDataException($"The class-fractions query returned an unknown data set '{dataset}'.");
            }

            row[(byte)XoClasses.Parse(reader.GetString(1))] += Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture);
        }

        return new ClassFractions(ToCounts(counts["train"]), ToCounts(counts["test"]));

        static ClassCounts ToCounts(long[] row) => new(row[0], row[1], row[2]);
    }

    /// <summary>Rows: x, y, class_pred, p_x, p_o, p_b, ordered by y then x. Null when there is no row.</summary>
    public static DecisionSurface? ReadSurface(DbDataReader reader, int nHidden)
    {
        var grid = new GridBuilder();
        List<float> px = [], po = [], pb = [];
        while (reader.Read())
        {
            grid.Add(reader.GetDouble(0), reader.GetDouble(1), reader.GetString(2));
            px.Add((float)reader.GetDouble(3));
            po.Add((float)reader.GetDouble(4));
            pb.Add((float)reader.GetDouble(5));
        }

        if (grid.Count == 0)
        {
            return null;
        }

        var (xs, ys, classes) = grid.Build(nHidden);
        return new DecisionSurface(nHidden, xs, ys, classes, [.. px], [.. po], [.. pb]);
    }

    /// <summary>Rows: n_hidden, x, y, class_pred, ordered by n_hidden, y, x.</summary>
    public static SurfaceSet ReadSurfaceSet(DbDataReader reader)
    {
        List<int> sizes = [];
        List<byte[]> maps = [];
        float[] xs = [], ys = [];
        GridBuilder? grid = null;
        var current = 0;
        while (reader.Read())
        {
            var n = reader.GetInt32(0);
            if (grid is null || n != current)
            {
                Flush();
                grid = new GridBuilder();
                current = n;
            }

            grid.Add(reader.GetDouble(1), reader.GetDouble(2), reader.GetString(3));
        }

        Flush();
        return new SurfaceSet(xs, ys, [.. sizes], [.. maps]);

        void Flush()
        {
            if (grid is null)
            {
                return;
            }

            var (x, y, classes) = grid.Build(current);
            if (sizes.Count == 0)
            {
                (xs, ys) = (x, y);
            }
            else if (!x.AsSpan().SequenceEqual(xs) || !y.AsSpan().SequenceEqual(ys))
            {
                throw new InvalidDataException($"The grid of n_hidden={current} differs from the grid of n_hidden={sizes[0]}.");
            }

            sizes.Add(current);
            maps.Add(classes);
        }
    }

    /// <summary>Rows: n_hidden, train_acc, test_acc, surface_agree, iterations, final_loss, fit_seconds, stop_reason (NULL when unknown).</summary>
    /// <exception cref="InvalidDataException">A stop_reason that is none.</exception>
    public static RunMetrics ReadMetrics(DbDataReader reader)
    {
        var models = new List<ModelMetrics>();
        while (reader.Read())
        {
            models.Add(new ModelMetrics(
                reader.GetInt32(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3),
                reader.GetInt32(4), reader.GetDouble(5), reader.GetDouble(6),
                reader.IsDBNull(7) ? null : StopReasons.Parse(reader.GetString(7))));
        }

        return new RunMetrics(models);
    }

    /// <summary>Rows: n_hidden, iteration, loss, ordered by n_hidden then iteration.</summary>
    public static LossCurves ReadLossCurves(DbDataReader reader)
    {
        var curves = new List<LossCurve>();
        List<int> iterations = [];
        List<double> losses = [];
        int? current = null;
        while (reader.Read())
        {
            var n = reader.GetInt32(0);
            if (n != current)
            {
                Flush();
                current = n;
            }

            iterations.Add(reader.GetInt32(1));
            losses.Add(reader.GetDouble(2));
        }

        Flush();
        return new LossCurves(curves);

        void Flush()
        {
            if (current is { } n)
            {
                curves.Add(new LossCurve(n, [.. iterations], [.. losses]));
                iterations.Clear();
                losses.Clear();
            }
        }
    }

    /// <summary>Collects grid rows ordered by y then x and checks that they form a full rectangular grid.</summary>
    private sealed class GridBuilder
    {
        private readonly List<double> _x = [];
        private readonly List<double> _y = [];
        private readonly List<byte> _classes = [];

        public int Count => _classes.Count;

        public void Add(double x, double y, string pointClass)
        {
            _x.Add(x);
            _y.Add(y);
            _classes.Add((byte)XoClasses.Parse(pointClass));
        }

        public (float[] X, float[] Y, byte[] Classes) Build(int nHidden)
        {
            // Rows come ordered by y, then x: the first row of cells gives the x axis, and every row repeats it.
            var width = 1;
            while (width < _y.Count && _y[width] == _y[0])
            {
                width++;
            }

            if (_classes.Count % width != 0)
            {
                throw Ragged(nHidden);
            }

            var height = _classes.Count / width;
            var xs = new float[width];
            var ys = new float[height];
            for (var i = 0; i < _classes.Count; i++)
            {
                int row = i / width, column = i % width;
                if (_x[i] != _x[column] || _y[i] != _y[row * width] || (column > 0 && _x[i] <= _x[i - 1]))
                {
                    throw Ragged(nHidden);
                }

                xs[column] = (float)_x[i];
                ys[row] = (float)_y[i];
            }

            return (xs, ys, [.. _classes]);
        }

        private static InvalidDataException Ragged(int nHidden) =>
            new($"The grid of n_hidden={nHidden} is not a full rectangular grid of cells (one row per x and y): its Parquet files are damaged.");
    }
}
