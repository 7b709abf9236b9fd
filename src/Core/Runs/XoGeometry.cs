namespace OneOff.Core.Runs;

/// <summary>The three classes of the XO study, in the order of the model's outputs.</summary>
public enum XoClass : byte
{
    /// <summary>The X: points within the X half-width of either axis (before rotation).</summary>
    X = 0,

    /// <summary>The O: points within the radius, outside the X.</summary>
    O = 1,

    /// <summary>The background: everything else.</summary>
    B = 2,
}

/// <summary>
/// The class codes and the class strings of the Parquet files (<c>class</c>, <c>class_pred</c>: "X", "O", "B"); result
/// types carry the codes as bytes (<c>(byte)XoClass.O</c>).
/// </summary>
public static class XoClasses
{
    /// <summary>Every class, in code order.</summary>
    public static IReadOnlyList<XoClass> All { get; } = [XoClass.X, XoClass.O, XoClass.B];

    /// <summary>The class of a class string.</summary>
    /// <exception cref="FormatException">The value is not "X", "O" or "B".</exception>
    public static XoClass Parse(string? value) => value switch
    {
        "X" => XoClass.X,
        "O" => XoClass.O,
        "B" => XoClass.B,
        _ => throw new FormatException($"Unknown class '{value}': the outputs hold only \"X\", \"O\" or \"B\"."),
    };

    /// <summary>The class string of a class ("X", "O" or "B").</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a class code.</exception>
    public static string Label(XoClass value) => value switch
    {
        XoClass.X => "X",
        XoClass.O => "O",
        XoClass.B => "B",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "A class code is 0 (X), 1 (O) or 2 (B)."),
    };
}

/// <summary>
/// The noiseless XO geometry: a point (u, v) of the unrotated square is X where |u| or |v| is below the X
/// half-width (X wins), O where its radius is below the O radius, B elsewhere; the data is then rotated by 45°.
/// </summary>
/// <param name="XHalfWidth">Half-width of the X's bars.</param>
/// <param name="Radius">Radius of the O.</param>
public readonly record struct XoGeometry(double XHalfWidth, double Radius)
{
    /// <summary>cos 45° = sin 45°.</summary>
    public const double Cos45 = 0.70710678118654752440;

    /// <summary>The class of an unrotated point.</summary>
    public XoClass ClassOfUnrotated(double u, double v)
    {
        if (Math.Abs(u) < XHalfWidth || Math.Abs(v) < XHalfWidth)
        {
            return XoClass.X;
        }

        return u * u + v * v < Radius * Radius ? XoClass.O : XoClass.B;
    }

    /// <summary>The class at a point of the rotated (plotted) plane: rotate back by 45°, then classify.</summary>
    public XoClass ClassAt(double x, double y)
    {
        var (u, v) = Unrotate(x, y);
        return ClassOfUnrotated(u, v);
    }

    /// <summary>Rotates (u, v) by +45°.</summary>
    public static (double X, double Y) Rotate(double u, double v) => ((u - v) * Cos45, (u + v) * Cos45);

    /// <summary>Rotates (x, y) by −45°.</summary>
    public static (double U, double V) Unrotate(double x, double y) => ((x + y) * Cos45, (y - x) * Cos45);
}

/// <summary>The fixed evaluation grid: x, y ∈ [−5, 5] in steps of 0.1 (101 × 101 cells, x = (i − 50)·0.1).</summary>
public static class XoGrid
{
    /// <summary>Cells per axis.</summary>
    public const int Side = 101;

    /// <summary>Cells in all.</summary>
    public const int Cells = Side * Side;

    /// <summary>The coordinate of index i on either axis.</summary>
    public static double Coordinate(int i) => (i - 50) * 0.1;

    /// <summary>Cell centres, row-major by y then x (cell k has x = Coordinate(k % 101), y = Coordinate(k / 101)).</summary>
    public static (double[] X, double[] Y) Centres()
    {
        var x = new double[Cells];
        var y = new double[Cells];
        for (var k = 0; k < Cells; k++)
        {
            x[k] = Coordinate(k % Side);
            y[k] = Coordinate(k / Side);
        }

        return (x, y);
    }

    /// <summary>The true (noiseless) class of every cell.</summary>
    public static XoClass[] TrueClasses(XoGeometry geometry)
    {
        var (x, y) = Centres();
        var classes = new XoClass[Cells];
        for (var k = 0; k < Cells; k++)
        {
            classes[k] = geometry.ClassAt(x[k], y[k]);
        }

        return classes;
    }
}
