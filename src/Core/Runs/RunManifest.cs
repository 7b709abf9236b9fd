using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OneOff.Core.Runs;

/// <summary>The <c>parameters</c> object of a manifest: every key of the parameter table.</summary>
public sealed record ManifestParameters(
    int TrainSize, int TestSize, int[] HiddenSizes, int DataSeed, int ModelSeed, double Jitter, int MaxIter, double Tol,
    double XHalfWidth, double Radius, double BoxHalfWidth, string RunId)
{
    /// <summary>From run parameters.</summary>
    public static ManifestParameters From(RunParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new(p.TrainSize, p.TestSize, [.. p.HiddenSizes], p.DataSeed, p.ModelSeed, p.Jitter, p.MaxIter, p.Tol,
            p.XHalfWidth, p.Radius, p.BoxHalfWidth, p.RunId);
    }

    /// <summary>Back to run parameters (not validated: see <see cref="RunParameterParser.Validate"/>).</summary>
    public RunParameters ToRunParameters() => new()
    {
        TrainSize = TrainSize, TestSize = TestSize, HiddenSizes = [.. HiddenSizes ?? []], DataSeed = DataSeed,
        ModelSeed = ModelSeed, Jitter = Jitter, MaxIter = MaxIter, Tol = Tol, XHalfWidth = XHalfWidth,
        Radius = Radius, BoxHalfWidth = BoxHalfWidth, RunId = RunId ?? "",
    };
}

/// <summary>Row counts of the run's tables.</summary>
public sealed record ManifestRows(int Train, int Test, int Grid);

/// <summary>Where the time went, in seconds.</summary>
public sealed record ManifestTimings(double GenerateSeconds, double TrainSeconds, double WriteSeconds, double TotalSeconds);

/// <summary>
/// <c>_manifest.json</c>: written last; a run is published when it exists. Schema 2 (written now) gives every model
/// its <c>stop_reason</c>; schema 1 (written before) has none, and reads with every <see cref="ModelMetrics.StopReason"/> null.
/// </summary>
public sealed record RunManifest(
    int Schema, string RunId, string JobVersion, DateTimeOffset CreatedUtc, ManifestParameters Parameters,
    ImmutableArray<ModelMetrics> Models, int BestNHidden, ManifestRows Rows, ManifestTimings Timings)
{
    /// <summary>The schema version this code writes.</summary>
    public const int CurrentSchema = 2;

    /// <summary>The oldest schema version this code reads (without stop reasons).</summary>
    public const int OldestSchema = 1;

    /// <summary>UTF-8 JSON bytes.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, ManifestJson.Default.RunManifest);

    /// <summary>Parses a manifest.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a manifest of a known schema; the message says why.</exception>
    public static RunManifest Parse(ReadOnlySpan<byte> json)
    {
        RunManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(json, ManifestJson.Default.RunManifest);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The run manifest is not valid JSON: {e.Message}", e);
        }

        if (manifest is null || manifest.Schema is < OldestSchema or > CurrentSchema || manifest.Parameters is null || manifest.Models.IsDefault
            || manifest.Rows is null || manifest.Timings is null || string.IsNullOrEmpty(manifest.RunId))
        {
            throw new InvalidDataException(
                $"The run manifest is incomplete or of an unknown schema (this job reads schemas {OldestSchema} to {CurrentSchema}).");
        }

        if (manifest.Schema >= 2 && manifest.Models.FirstOrDefault(m => m is { StopReason: null }) is { } unexplained)
        {
            throw new InvalidDataException($"The run manifest (schema {manifest.Schema}) has no stop_reason for the model with n_hidden {unexplained.NHidden}.");
        }

        return manifest;
    }
}

/// <summary><c>_parameters.json</c>: what <c>generate</c> leaves for the <c>train</c> and <c>publish</c> steps.</summary>
public sealed record RunSetup(ManifestParameters Parameters, double GenerateSeconds)
{
    /// <summary>UTF-8 JSON bytes.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, ManifestJson.Default.RunSetup);

    /// <summary>Parses the setup file.</summary>
    /// <exception cref="InvalidDataException">Not a valid setup file.</exception>
    public static RunSetup Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, ManifestJson.Default.RunSetup) is { Parameters: not null } setup
                ? setup
                : throw new InvalidDataException("_parameters.json has no parameters.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"_parameters.json is not valid JSON: {e.Message}", e);
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(RunManifest))]
[JsonSerializable(typeof(RunSetup))]
internal sealed partial class ManifestJson : JsonSerializerContext;
