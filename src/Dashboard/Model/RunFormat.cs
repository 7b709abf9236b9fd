using System.Globalization;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;
using OneOff.Core.Runs;

namespace OneOff.Dashboard.Model;

/// <summary>How runs read on the pages: times, durations, numbers, state colours.</summary>
public static class RunFormat
{
    private static readonly CultureInfo s_culture = CultureInfo.InvariantCulture;

    public static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm", s_culture) + " UTC";

    public static string Duration(TimeSpan? duration)
    {
        if (duration is not { } d)
        {
            return "—";
        }

        if (d < TimeSpan.Zero)
        {
            d = TimeSpan.Zero;
        }

        return d.TotalHours >= 1
            ? string.Create(s_culture, $"{(int)d.TotalHours} h {d.Minutes:00} min")
            : d.TotalMinutes >= 1 ? string.Create(s_culture, $"{d.Minutes} min {d.Seconds:00} s") : string.Create(s_culture, $"{d.TotalSeconds:0.0} s");
    }

    public static string StateClass(RunState state) => "state-" + state.ToString().ToLowerInvariant();

    public static string Number(double? value, string format = "0.000") =>
        value is { } v && double.IsFinite(v) ? v.ToString(format, s_culture) : "—";

    public static string Percent(double? value) =>
        value is { } v && double.IsFinite(v) ? (v * 100).ToString("0.0", s_culture) + " %" : "—";

    /// <summary>Percentage of the iteration budget used by one size (100 when done).</summary>
    public static int ProgressPercent(SizeProgress size, int maxIter)
    {
        ArgumentNullException.ThrowIfNull(size);
        if (size.Done)
        {
            return 100;
        }

        return maxIter <= 0 ? 0 : Math.Clamp(size.Iteration * 100 / maxIter, 0, 99);
    }

    /// <summary>The parameters in one short line for the run list.</summary>
    public static string Summary(RunParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var sizes = p.HiddenSizes.Length <= 5
            ? string.Join(',', p.HiddenSizes)
            : string.Join(',', p.HiddenSizes.Take(4)) + $",…({p.HiddenSizes.Length})";
        return string.Create(s_culture, $"train {p.TrainSize} · test {p.TestSize} · N {sizes} · iter {p.MaxIter}");
    }

    /// <summary>A parameter's value as a user types it (1e-6 rather than 1E-06).</summary>
    public static string Value(RunParameter parameter, RunParameters p)
    {
        var text = RunParameterParser.Format(parameter, p);
        if (text.StartsWith('-') && double.TryParse(text, NumberStyles.Float, s_culture, out var number) && number == 0)
        {
            // A jitter typed as -0 is zero: no sign.
            text = text[1..];
        }

        var e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return text;
        }

        var exponent = text[(e + 1)..];
        var sign = exponent.StartsWith('-') ? "-" : "";
        return $"{text[..e]}e{sign}{exponent.TrimStart('+', '-').TrimStart('0')}";
    }

    /// <summary>
    /// A parameter's value in pieces that may be wrapped between (a list of sizes wraps after a comma, never inside
    /// a number): the page puts a line-break opportunity after each piece.
    /// </summary>
    public static IReadOnlyList<string> ValueParts(RunParameter parameter, RunParameters p)
    {
        var text = Value(parameter, p);
        var parts = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == ',')
            {
                parts.Add(text[start..(i + 1)]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }
}
