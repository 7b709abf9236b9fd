using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using OneOff.Dashboard.Data;
using OneOff.Core.Runs;

namespace OneOff.Dashboard.Runs;

/// <summary>Progress of one hidden size: its last iteration and loss, and its metrics once done.</summary>
public sealed record SizeProgress(
    [property: JsonPropertyName("n_hidden")] int NHidden,
    [property: JsonPropertyName("iteration")] int Iteration,
    [property: JsonPropertyName("loss")] double? Loss,
    [property: JsonPropertyName("done")] bool Done,
    [property: JsonPropertyName("metrics")] ModelMetrics? Metrics);

/// <summary>A run as pages show it: the record plus live progress.</summary>
public sealed record RunSnapshot(
    string Id,
    RunState State,
    string CreatedBy,
    DateTime CreatedUtc,
    DateTime? StartedUtc,
    DateTime? FinishedUtc,
    RunParameters Parameters,
    ImmutableArray<SizeProgress> Sizes,
    int? BestNHidden,
    string? Error)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>True once the run can no longer change (and can be deleted).</summary>
    public bool IsFinished => State is RunState.Succeeded or RunState.Failed or RunState.Cancelled;

    /// <summary>True while Cancel means something: before the manifest exists and before the run ended.</summary>
    public bool CanCancel => State is RunState.Queued or RunState.Starting or RunState.Running;

    /// <summary>How many hidden sizes are trained.</summary>
    public int SizesDone => Sizes.Count(s => s.Done);

    /// <summary>From start to finish (or to <paramref name="now"/> while it runs); null before it starts.</summary>
    public TimeSpan? Duration(DateTime now) => StartedUtc is { } s ? (FinishedUtc ?? now) - s : null;

    internal static RunSnapshot From(RunRecord record)
    {
        var raw = JsonSerializer.Deserialize<Dictionary<string, string?>>(record.ParametersJson, s_json) ?? [];
        var parameters = RunParameterParser.Parse(raw).Parameters ?? new RunParameters { RunId = record.Id };
        var sizes = JsonSerializer.Deserialize<SizeProgress[]>(record.ProgressJson, s_json) ?? [];
        return new RunSnapshot(record.Id, record.State, record.CreatedBy, record.CreatedUtc, record.StartedUtc, record.FinishedUtc,
            parameters, [.. sizes], record.BestNHidden, record.Error);
    }

    internal static string ParametersToJson(RunParameters parameters) =>
        JsonSerializer.Serialize(RunParameterParser.ToRaw(parameters), s_json);

    internal static string ProgressToJson(IEnumerable<SizeProgress> sizes) => JsonSerializer.Serialize(sizes.ToArray(), s_json);

    internal static ImmutableArray<SizeProgress> InitialSizes(RunParameters parameters) =>
        [.. parameters.HiddenSizes.Select(n => new SizeProgress(n, 0, null, false, null))];
}

/// <summary>A change of one run, pushed to every open page; <see cref="Run"/> is null when the run was deleted.</summary>
public sealed record RunChange(string RunId, RunSnapshot? Run);

/// <summary>The outcome of a submission: the run, or the field errors, or a refusal (never more than one).</summary>
public sealed record SubmitResult(RunSnapshot? Run, IReadOnlyList<ParameterError> Errors, string? Refusal)
{
    public bool Succeeded => Run is not null;
}

/// <summary>The outcome of Cancel or Delete: null <see cref="Refusal"/> when it was done.</summary>
public sealed record CommandResult(string? Refusal)
{
    public static CommandResult Done { get; } = new((string?)null);

    public bool Succeeded => Refusal is null;
}

/// <summary>
/// Told after a run has been deleted (its files and its record are gone): the results cache subscribes to drop
/// everything it holds for that run. Register implementations as singletons: <c>services.AddSingleton&lt;IRunDeletedListener, X&gt;()</c>.
/// </summary>
public interface IRunDeletedListener
{
    Task OnRunDeletedAsync(string runId, CancellationToken cancellationToken);
}
