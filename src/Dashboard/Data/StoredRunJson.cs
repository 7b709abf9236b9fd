using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using OneOff.Core.Runs;

namespace OneOff.Dashboard.Data;

/// <summary>A run's progress as <see cref="RunRecord.ProgressJson"/> keeps it: <c>{"schema":2,"sizes":[…]}</c>.</summary>
public sealed record StoredProgress(
    [property: JsonPropertyName("schema")] int Schema,
    [property: JsonPropertyName("sizes")] ImmutableArray<StoredSize> Sizes)
{
    /// <summary>The schema this code writes. Schema 1 (a bare array, metrics in camelCase) is still read.</summary>
    public const int CurrentSchema = 2;

    /// <summary>Progress of the current schema.</summary>
    public static StoredProgress Of(IEnumerable<StoredSize> sizes) => new(CurrentSchema, [.. sizes]);
}

/// <summary>The progress of one hidden size: its last iteration and loss, and its metrics once done.</summary>
public sealed record StoredSize(
    [property: JsonPropertyName("n_hidden")] int NHidden,
    [property: JsonPropertyName("iteration")] int Iteration,
    [property: JsonPropertyName("loss")] double? Loss,
    [property: JsonPropertyName("done")] bool Done,
    [property: JsonPropertyName("metrics")] StoredMetrics? Metrics);

/// <summary>
/// The metrics of one trained size, as the run record keeps them (names of the manifest's <c>models</c>).
/// <c>stop_reason</c> is absent from progress stored before it existed (and from runs whose outputs lack it): null.
/// </summary>
public sealed record StoredMetrics(
    [property: JsonPropertyName("train_acc")] double TrainAcc,
    [property: JsonPropertyName("test_acc")] double TestAcc,
    [property: JsonPropertyName("surface_agree")] double SurfaceAgree,
    [property: JsonPropertyName("iterations")] int Iterations,
    [property: JsonPropertyName("final_loss")] double FinalLoss,
    [property: JsonPropertyName("fit_seconds")] double FitSeconds,
    [property: JsonPropertyName("stop_reason"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] StopReason? StopReason = null);

/// <summary>
/// A run's parameters as <see cref="RunRecord.ParametersJson"/> keeps them: <c>{"schema":2,"values":{manifest key: text}}</c>.
/// Schema 1 (the bare object of values) is still read.
/// </summary>
public sealed record StoredParameters(
    [property: JsonPropertyName("schema")] int Schema,
    [property: JsonPropertyName("values")] IReadOnlyDictionary<string, string?> Values)
{
    public const int CurrentSchema = 2;

    /// <summary>Parameters of the current schema.</summary>
    public static StoredParameters Of(IReadOnlyDictionary<string, string?> values) => new(CurrentSchema, values);
}

/// <summary>Writes and reads the JSON of a run record: the only code that knows its shapes, old and new.</summary>
public static class StoredRunJson
{
    public static string Write(StoredProgress progress) => JsonSerializer.Serialize(progress, StoredRunJsonContext.Default.StoredProgress);

    public static string Write(StoredParameters parameters) => JsonSerializer.Serialize(parameters, StoredRunJsonContext.Default.StoredParameters);

    /// <summary>Reads stored progress of any schema.</summary>
    /// <exception cref="InvalidDataException">The text is not stored progress.</exception>
    public static StoredProgress ReadProgress(string json)
    {
        try
        {
            if (json.AsSpan().TrimStart().StartsWith("["))
            {
                var legacy = JsonSerializer.Deserialize(json, StoredRunJsonContext.Default.LegacySizeArray) ?? [];
                return new StoredProgress(1, [.. legacy.Select(s => s.ToStored())]);
            }

            var progress = JsonSerializer.Deserialize(json, StoredRunJsonContext.Default.StoredProgress);
            return progress is { Schema: > 0 and <= StoredProgress.CurrentSchema, Sizes.IsDefault: false }
                ? progress
                : throw new InvalidDataException($"Stored progress has no sizes or an unknown schema: {Shorten(json)}");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Stored progress is not valid JSON ({e.Message}).", e);
        }
    }

    /// <summary>Reads stored parameters of any schema.</summary>
    /// <exception cref="InvalidDataException">The text is not stored parameters.</exception>
    public static StoredParameters ReadParameters(string json)
    {
        try
        {
            var stored = JsonSerializer.Deserialize(json, StoredRunJsonContext.Default.StoredParameters);
            if (stored is { Schema: > 0 and <= StoredParameters.CurrentSchema, Values: not null })
            {
                return stored;
            }

            if (stored is { Schema: 0 })
            {
                var legacy = JsonSerializer.Deserialize(json, StoredRunJsonContext.Default.DictionaryStringString);
                if (legacy is not null)
                {
                    return new StoredParameters(1, legacy);
                }
            }

            throw new InvalidDataException($"Stored parameters have an unknown shape: {Shorten(json)}");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Stored parameters are not valid JSON ({e.Message}).", e);
        }
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}

/// <summary>Schema 1 of one size's progress: a bare array of these, metrics in camelCase (as the dashboard wrote before).</summary>
internal sealed record LegacySize(
    [property: JsonPropertyName("n_hidden")] int NHidden,
    [property: JsonPropertyName("iteration")] int Iteration,
    [property: JsonPropertyName("loss")] double? Loss,
    [property: JsonPropertyName("done")] bool Done,
    [property: JsonPropertyName("metrics")] LegacyMetrics? Metrics)
{
    public StoredSize ToStored() => new(NHidden, Iteration, Loss, Done, Metrics?.ToStored());
}

internal sealed record LegacyMetrics(
    [property: JsonPropertyName("trainAcc")] double TrainAcc,
    [property: JsonPropertyName("testAcc")] double TestAcc,
    [property: JsonPropertyName("surfaceAgree")] double SurfaceAgree,
    [property: JsonPropertyName("iterations")] int Iterations,
    [property: JsonPropertyName("finalLoss")] double FinalLoss,
    [property: JsonPropertyName("fitSeconds")] double FitSeconds)
{
    public StoredMetrics ToStored() => new(TrainAcc, TestAcc, SurfaceAgree, Iterations, FinalLoss, FitSeconds);
}

[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(StoredProgress))]
[JsonSerializable(typeof(StoredParameters))]
[JsonSerializable(typeof(LegacySize[]), TypeInfoPropertyName = "LegacySizeArray")]
[JsonSerializable(typeof(Dictionary<string, string?>))]
internal sealed partial class StoredRunJsonContext : JsonSerializerContext;
