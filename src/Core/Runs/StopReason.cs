using System.Text.Json;
using System.Text.Json.Serialization;

namespace OneOff.Core.Runs;

/// <summary>
/// Why a model's L-BFGS fit ended (ARCHITECTURE.md, "Model and training"): the <c>stop_reason</c> of the metrics
/// table, the manifest's models (schema 2) and the job's <c>model_done</c> event. Its wire names are
/// <c>"converged"</c>, <c>"max_iter"</c> and <c>"line_search"</c> (<see cref="StopReasons"/>).
/// </summary>
[JsonConverter(typeof(StopReasonJsonConverter))]
public enum StopReason
{
    /// <summary><c>"converged"</c>: the largest absolute gradient component fell to <c>tol</c> or below.</summary>
    Converged,

    /// <summary><c>"max_iter"</c>: the fit ran <c>max_iter</c> iterations without converging (a normal end).</summary>
    MaxIter,

    /// <summary><c>"line_search"</c>: no step along the search direction lowered the loss any further.</summary>
    LineSearch,
}

/// <summary>The wire names of <see cref="StopReason"/>, written and read by every output that carries one.</summary>
public static class StopReasons
{
    /// <summary>The wire name of <see cref="StopReason.Converged"/>.</summary>
    public const string Converged = "converged";

    /// <summary>The wire name of <see cref="StopReason.MaxIter"/>.</summary>
    public const string MaxIter = "max_iter";

    /// <summary>The wire name of <see cref="StopReason.LineSearch"/>.</summary>
    public const string LineSearch = "line_search";

    /// <summary>The wire name of <paramref name="reason"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined reason.</exception>
    public static string ToWire(StopReason reason) => reason switch
    {
        StopReason.Converged => Converged,
        StopReason.MaxIter => MaxIter,
        StopReason.LineSearch => LineSearch,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a stop reason."),
    };

    /// <summary>The wire name of <paramref name="reason"/>, or null when it is unknown (outputs written before it existed).</summary>
    public static string? ToWire(StopReason? reason) => reason is { } r ? ToWire(r) : null;

    /// <summary>
    /// How a fit ended, in plain words for people: "converged at iteration 212", "stopped at max_iter 1000 (not
    /// converged)", "line search failed at iteration 87" (the dashboard's progress table and the CLI say the same).
    /// </summary>
    /// <param name="reason">Why the fit ended.</param>
    /// <param name="iterations">Its accepted iterations (for <see cref="StopReason.MaxIter"/>, the cap).</param>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined reason.</exception>
    public static string Describe(StopReason reason, int iterations)
    {
        var it = iterations.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return reason switch
        {
            StopReason.Converged => $"converged at iteration {it}",
            StopReason.MaxIter => $"stopped at max_iter {it} (not converged)",
            StopReason.LineSearch => $"line search failed at iteration {it}",
            _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a stop reason."),
        };
    }

    /// <summary>Reads a wire name; null or empty is an unknown reason (outputs written before it existed).</summary>
    /// <exception cref="InvalidDataException">Any other text; the message quotes it (shortened) and names the valid ones.</exception>
    public static StopReason? Parse(string? wire) => wire switch
    {
        null or "" => null,
        Converged => StopReason.Converged,
        MaxIter => StopReason.MaxIter,
        LineSearch => StopReason.LineSearch,
        _ => throw new InvalidDataException(
            $"'{(wire.Length <= 40 ? wire : wire[..40] + "…")}' is not a stop reason (expected {Converged}, {MaxIter} or {LineSearch})."),
    };
}

/// <summary>
/// Reads and writes a <see cref="StopReason"/> as its wire name only (never a number). Public because the JSON
/// contexts of other assemblies (the dashboard's stored progress) generate code that creates it.
/// </summary>
public sealed class StopReasonJsonConverter : JsonConverter<StopReason>
{
    /// <inheritdoc />
    /// <exception cref="JsonException">Not a string, or not one of the wire names.</exception>
    public override StopReason Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"A stop reason is a string ({StopReasons.Converged}, {StopReasons.MaxIter} or {StopReasons.LineSearch}).");
        }

        try
        {
            return StopReasons.Parse(reader.GetString())
                ?? throw new JsonException($"A stop reason is one of {StopReasons.Converged}, {StopReasons.MaxIter} or {StopReasons.LineSearch}.");
        }
        catch (InvalidDataException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, StopReason value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(StopReasons.ToWire(value));
    }
}
