using OneOff.Core.Runs;

namespace OneOff.Dashboard.Components.Controls.Charts;

/// <summary>
/// The one palette of every chart: the original notebook's green X, red O and blue B (full tones for points,
/// light tones for filled class maps), dark lines for the true boundary, and the metric colours.
/// </summary>
public static class ChartPalette
{
    public const string X = "#2ca02c";
    public const string O = "#d62728";
    public const string B = "#1f77b4";

    public const string XLight = "#a6dba0";
    public const string OLight = "#f4a3a3";
    public const string BLight = "#b3cde3";

    public const string Boundary = "#202020";
    public const string TrainAccuracy = "#6a3d9a";
    public const string TestAccuracy = "#ff7f00";
    public const string SurfaceAgreement = "#202020";
    public const string Best = "#e6ab02";
    public const string Grid = "#e5e5e5";
    public const string FontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

    /// <summary>The point colour of a class.</summary>
    public static string Of(XoClass pointClass) => pointClass switch
    {
        XoClass.X => X,
        XoClass.O => O,
        _ => B,
    };

    /// <summary>The fill colour of a class on a class map.</summary>
    public static string LightOf(XoClass pointClass) => pointClass switch
    {
        XoClass.X => XLight,
        XoClass.O => OLight,
        _ => BLight,
    };

    /// <summary>
    /// A heatmap colour scale that maps the class codes 0, 1, 2 (with zmin 0, zmax 2) to the light X, O, B tones
    /// in three flat bands, so that a class map has exactly three colours.
    /// </summary>
    public static object[] ClassColorScale { get; } =
    [
        new object[] { 0.0, XLight }, new object[] { 1 / 3.0, XLight },
        new object[] { 1 / 3.0, OLight }, new object[] { 2 / 3.0, OLight },
        new object[] { 2 / 3.0, BLight }, new object[] { 1.0, BLight },
    ];

    /// <summary>A colour along viridis for item <paramref name="index"/> of <paramref name="count"/> (small sizes dark, large bright).</summary>
    public static string Sequential(int index, int count)
    {
        // Viridis without its palest yellow, which is hard to see on white.
        string[] stops = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#a8db34", "#d0e11c"];
        var t = count <= 1 ? 0 : (double)index / (count - 1);
        return stops[(int)Math.Round(t * (stops.Length - 1))];
    }
}
