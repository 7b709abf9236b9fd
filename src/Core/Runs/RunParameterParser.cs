using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace OneOff.Core.Runs;

/// <summary>A problem with one parameter: which one, and what is wrong in words a user can act on.</summary>
/// <param name="Parameter">The offending parameter.</param>
/// <param name="Problem">What is wrong, e.g. "must be an integer from 100 to 1000000 (got '50')".</param>
public sealed record ParameterError(RunParameter Parameter, string Problem)
{
    /// <summary>One line for a terminal, naming the flag and the fix.</summary>
    public string ForCli() =>
        $"{Parameter.Flag} {Problem}; pass {Parameter.ValidText}"
        + (Parameter.DefaultText.Length > 0 ? $", e.g. {Parameter.Flag} {Parameter.DefaultText}" : "")
        + (Parameter.DefaultText.Length > 0 ? " (the default)." : ".");

    /// <summary>A sentence for a form field ("Enter the hidden sizes." for an empty one).</summary>
    public string ForForm() => IsEmpty && Parameter.Label is { } label
        ? $"Enter the {label.ToLowerInvariant()}."
        : $"{char.ToUpperInvariant(Problem[0])}{Problem[1..]}; enter {Parameter.ValidText}.";

    /// <summary>True when the value was given but empty or only white space.</summary>
    public bool IsEmpty => string.Equals(Problem, RunParameterParser.EmptyProblem, StringComparison.Ordinal);
}

/// <summary>The outcome of parsing raw parameter values: parameters, or the errors (never both).</summary>
public sealed record ParseOutcome(RunParameters? Parameters, IReadOnlyList<ParameterError> Errors)
{
    /// <summary>True when there are no errors (and so <see cref="Parameters"/> is set).</summary>
    [MemberNotNullWhen(true, nameof(Parameters))]
    public bool IsValid => Errors.Count == 0 && Parameters is not null;
}

/// <summary>
/// Parses and validates run parameters from text, in one place for the CLI and the dashboard's form:
/// ranges of the parameter table, and the combinations (radius and X half-width below the box half-width).
/// </summary>
public static class RunParameterParser
{
    /// <summary>The longest value accepted for any parameter; a longer one is refused, never cut or dropped.</summary>
    public const int MaxValueLength = 200;

    /// <summary>How many characters of a bad value a message echoes before "…".</summary>
    public const int EchoLength = 40;

    /// <summary>The problem of a value that is given but empty or only white space.</summary>
    public const string EmptyProblem = "is empty";

    private const int MaxHiddenSizes = 20;
    private const int MaxHiddenSize = 2000;

    private static readonly Dictionary<string, (int Min, int Max)> s_intRanges = new(StringComparer.Ordinal)
    {
        [RunParameterTable.TrainSize.Key] = (100, 1_000_000),
        [RunParameterTable.TestSize.Key] = (100, 1_000_000),
        [RunParameterTable.DataSeed.Key] = (0, int.MaxValue),
        [RunParameterTable.ModelSeed.Key] = (0, int.MaxValue),
        [RunParameterTable.MaxIter.Key] = (1, 10_000),
    };

    /// <summary>
    /// Parses raw values keyed by manifest key (see <see cref="RunParameterTable"/>); a missing or null value takes
    /// the default, while a value given empty or blank is an error (<see cref="EmptyProblem"/>), as is one longer than
    /// <see cref="MaxValueLength"/>. The run id stays empty when not given: the caller generates one.
    /// </summary>
    public static ParseOutcome Parse(IReadOnlyDictionary<string, string?> raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var errors = new List<ParameterError>();
        foreach (var key in raw.Keys)
        {
            if (RunParameterTable.ByKey(key) is null)
            {
                throw new ArgumentException($"Unknown run parameter '{key}'.", nameof(raw));
            }
        }

        string? Get(RunParameter p)
        {
            if (!raw.TryGetValue(p.Key, out var v) || v is null)
            {
                return null;
            }

            if (string.IsNullOrWhiteSpace(v))
            {
                errors.Add(new(p, EmptyProblem));
                return null;
            }

            if (v.Length > MaxValueLength)
            {
                errors.Add(new(p, $"is too long ({Show(v.Length)} characters; at most {Show(MaxValueLength)})"));
                return null;
            }

            return v.Trim();
        }

        var defaults = new RunParameters();
        var parameters = new RunParameters
        {
            TrainSize = ParseInt(RunParameterTable.TrainSize, Get(RunParameterTable.TrainSize), defaults.TrainSize, errors),
            TestSize = ParseInt(RunParameterTable.TestSize, Get(RunParameterTable.TestSize), defaults.TestSize, errors),
            HiddenSizes = ParseHidden(Get(RunParameterTable.HiddenSizes), defaults.HiddenSizes, errors),
            DataSeed = ParseInt(RunParameterTable.DataSeed, Get(RunParameterTable.DataSeed), defaults.DataSeed, errors),
            ModelSeed = ParseInt(RunParameterTable.ModelSeed, Get(RunParameterTable.ModelSeed), defaults.ModelSeed, errors),
            Jitter = ParseDouble(RunParameterTable.Jitter, Get(RunParameterTable.Jitter), defaults.Jitter, errors),
            MaxIter = ParseInt(RunParameterTable.MaxIter, Get(RunParameterTable.MaxIter), defaults.MaxIter, errors),
            Tol = ParseDouble(RunParameterTable.Tol, Get(RunParameterTable.Tol), defaults.Tol, errors),
            XHalfWidth = ParseDouble(RunParameterTable.XHalfWidth, Get(RunParameterTable.XHalfWidth), defaults.XHalfWidth, errors),
            Radius = ParseDouble(RunParameterTable.Radius, Get(RunParameterTable.Radius), defaults.Radius, errors),
            BoxHalfWidth = ParseDouble(RunParameterTable.BoxHalfWidth, Get(RunParameterTable.BoxHalfWidth), defaults.BoxHalfWidth, errors),
            RunId = Get(RunParameterTable.RunId) ?? "",
        };

        if (errors.Count > 0)
        {
            return new ParseOutcome(null, errors);
        }

        var rangeErrors = Validate(parameters);
        return rangeErrors.Count > 0 ? new ParseOutcome(null, rangeErrors) : new ParseOutcome(parameters, []);
    }

    /// <summary>Checks every range and combination; an empty run id is allowed (not yet generated).</summary>
    public static IReadOnlyList<ParameterError> Validate(RunParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var errors = new List<ParameterError>();
        IntRange(RunParameterTable.TrainSize, p.TrainSize, errors);
        IntRange(RunParameterTable.TestSize, p.TestSize, errors);
        HiddenRange(p.HiddenSizes, errors);
        IntRange(RunParameterTable.DataSeed, p.DataSeed, errors);
        IntRange(RunParameterTable.ModelSeed, p.ModelSeed, errors);
        if (!(p.Jitter >= 0 && p.Jitter <= 5))
        {
            errors.Add(new(RunParameterTable.Jitter, $"must be from 0 to 5 (got {Show(p.Jitter)})"));
        }

        IntRange(RunParameterTable.MaxIter, p.MaxIter, errors);
        if (!(p.Tol > 0 && p.Tol < 1))
        {
            errors.Add(new(RunParameterTable.Tol, $"must be greater than 0 and less than 1 (got {Show(p.Tol)})"));
        }

        var boxOk = p.BoxHalfWidth >= 1 && p.BoxHalfWidth <= 100;
        if (!boxOk)
        {
            errors.Add(new(RunParameterTable.BoxHalfWidth, $"must be from 1 to 100 (got {Show(p.BoxHalfWidth)})"));
        }

        BelowBox(RunParameterTable.XHalfWidth, p.XHalfWidth, p.BoxHalfWidth, boxOk, errors);
        BelowBox(RunParameterTable.Radius, p.Radius, p.BoxHalfWidth, boxOk, errors);
        if (p.RunId.Length > 0 && !RunKeys.IsValidRunId(p.RunId))
        {
            errors.Add(new(RunParameterTable.RunId, $"is not a valid run id (got '{Echo(p.RunId)}')"));
        }

        return errors;
    }

    /// <summary>The value of one parameter as text, as the form and the CLI show it.</summary>
    public static string Format(RunParameter parameter, RunParameters p)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(p);
        return parameter.Key switch
        {
            "train_size" => Show(p.TrainSize),
            "test_size" => Show(p.TestSize),
            "hidden_sizes" => string.Join(',', p.HiddenSizes.Select(Show)),
            "data_seed" => Show(p.DataSeed),
            "model_seed" => Show(p.ModelSeed),
            "jitter" => Show(p.Jitter),
            "max_iter" => Show(p.MaxIter),
            "tol" => Show(p.Tol),
            "x_half_width" => Show(p.XHalfWidth),
            "radius" => Show(p.Radius),
            "box_half_width" => Show(p.BoxHalfWidth),
            "run_id" => p.RunId,
            _ => throw new ArgumentException($"Unknown run parameter '{parameter.Key}'.", nameof(parameter)),
        };
    }

    /// <summary>
    /// The CLI flags and values of every parameter (<c>--train-size 15000 … --run-id {id}</c>; <c>--run-id</c> only when
    /// the run id is set): what the job parses back into equal parameters. The CLI contract's other half, beside
    /// <see cref="Parse"/>.
    /// </summary>
    public static IReadOnlyList<string> ToArguments(RunParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var arguments = new List<string>(2 * RunParameterTable.All.Count);
        foreach (var parameter in RunParameterTable.All)
        {
            if (parameter == RunParameterTable.RunId && p.RunId.Length == 0)
            {
                continue;
            }

            arguments.Add(parameter.Flag);
            arguments.Add(Format(parameter, p));
        }

        return arguments;
    }

    /// <summary>
    /// Every parameter as text keyed by manifest key (the inverse of <see cref="Parse"/>); an empty run id is left
    /// out (not yet generated).
    /// </summary>
    public static Dictionary<string, string?> ToRaw(RunParameters p) =>
        RunParameterTable.All.Where(x => x != RunParameterTable.RunId || p.RunId.Length > 0)
            .ToDictionary(x => x.Key, x => (string?)Format(x, p), StringComparer.Ordinal);

    /// <summary>
    /// A value as a message echoes it: at most <see cref="EchoLength"/> characters, then "…", so that a pasted
    /// page of text does not come back in full.
    /// </summary>
    public static string Echo(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length > EchoLength ? string.Concat(text.AsSpan(0, EchoLength), "…") : text;
    }

    private static string Show(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Show(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static int ParseInt(RunParameter p, string? text, int fallback, List<ParameterError> errors)
    {
        if (text is null)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }

        var (min, max) = s_intRanges[p.Key];
        errors.Add(new(p, IsWholeNumber(text)
            ? $"must be from {Show(min)} to {Show(max)} (got {Echo(text)})"
            : $"must be a whole number (got '{Echo(text)}')"));
        return fallback;
    }

    private static double ParseDouble(RunParameter p, string? text, double fallback, List<ParameterError> errors)
    {
        if (text is null)
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || double.IsNaN(v))
        {
            errors.Add(new(p, $"must be a number (got '{Echo(text)}')"));
            return fallback;
        }

        if (double.IsInfinity(v))
        {
            errors.Add(new(p, $"is far out of range (got {Echo(text)})"));
            return fallback;
        }

        if (v == 0 && HasNonZeroDigit(text))
        {
            // 1e-400 underflows to 0: say what was typed, not "got 0".
            errors.Add(new(p, $"is too close to 0 to compute with (got {Echo(text)})"));
            return fallback;
        }

        return v;
    }

    private static ImmutableArray<int> ParseHidden(string? text, ImmutableArray<int> fallback, List<ParameterError> errors)
    {
        if (text is null)
        {
            return fallback;
        }

        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var sizes = ImmutableArray.CreateBuilder<int>(parts.Length);
        foreach (var part in parts)
        {
            if (part.Length == 0)
            {
                errors.Add(new(RunParameterTable.HiddenSizes, $"has an empty item (got '{Echo(text)}')"));
                return fallback;
            }

            if (!IsWholeNumber(part))
            {
                errors.Add(new(RunParameterTable.HiddenSizes, $"has '{Echo(part)}', which is not a whole number"));
                return fallback;
            }

            if (!int.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) || n < 1 || n > MaxHiddenSize)
            {
                errors.Add(new(RunParameterTable.HiddenSizes, $"has {Echo(part)}, outside 1 to {MaxHiddenSize}"));
                return fallback;
            }

            sizes.Add(n);
        }

        return sizes.ToImmutable();
    }

    private static void HiddenRange(ImmutableArray<int> sizes, List<ParameterError> errors)
    {
        var p = RunParameterTable.HiddenSizes;
        if (sizes.IsDefaultOrEmpty)
        {
            errors.Add(new(p, "is empty"));
            return;
        }

        if (sizes.Length > MaxHiddenSizes)
        {
            errors.Add(new(p, $"has {sizes.Length} sizes, more than {MaxHiddenSizes}"));
            return;
        }

        var bad = sizes.FirstOrDefault(n => n < 1 || n > MaxHiddenSize, -1);
        if (bad != -1)
        {
            errors.Add(new(p, $"has {Show(bad)}, outside 1 to {MaxHiddenSize}"));
            return;
        }

        var duplicate = sizes.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            errors.Add(new(p, $"has {Show(duplicate.Key)} more than once"));
        }
    }

    private static bool IsWholeNumber(string text)
    {
        var digits = text.AsSpan(text.StartsWith('-') || text.StartsWith('+') ? 1 : 0);
        return digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9');
    }

    private static bool HasNonZeroDigit(string text)
    {
        var e = text.AsSpan().IndexOfAny('e', 'E');
        var mantissa = e < 0 ? text.AsSpan() : text.AsSpan(0, e);
        return mantissa.ContainsAnyInRange('1', '9');
    }

    private static void IntRange(RunParameter p, int v, List<ParameterError> errors)
    {
        var (min, max) = s_intRanges[p.Key];
        if (v < min || v > max)
        {
            errors.Add(new(p, $"must be from {Show(min)} to {Show(max)} (got {Show(v)})"));
        }
    }

    private static void BelowBox(RunParameter p, double v, double box, bool boxOk, List<ParameterError> errors)
    {
        if (!(v > 0))
        {
            errors.Add(new(p, $"must be greater than 0 (got {Show(v)})"));
        }
        else if (boxOk && v >= box)
        {
            errors.Add(new(p, $"must be less than the box half-width {Show(box)} (got {Show(v)})"));
        }
    }
}
