using System.Collections.Immutable;
using OneOff.Core.Query;
using OneOff.Core.Runs;
using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Runs;

/// <summary>Progress of one hidden size: its last iteration and loss, and its metrics once done.</summary>
public sealed record SizeProgress(int NHidden, int Iteration, double? Loss, bool Done, ModelMetrics? Metrics)
{
    /// <summary>A size that is done, from its metrics (the manifest's or its metrics file's).</summary>
    public static SizeProgress Finished(ModelMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return new(metrics.NHidden, metrics.Iterations, metrics.FinalLoss, true, metrics);
    }
}

/// <summary>
/// A run as pages show it: the record plus live progress. <c>Damaged</c> says why the stored record cannot be read
/// in full (its parameters or its progress), null when it can: a damaged record shows default parameters or no
/// progress, and says so instead of passing them off as the run's. <c>OutputsDamaged</c> says why a published run's
/// outputs cannot be read in full (its record is fine; the files are not), null when they can. <c>RunnerNote</c> says what
/// the runner's housekeeping did to its job (the EMR reaper terminated its cluster, and why); <c>Phase</c> what an active
/// run's job is doing now (null once it has ended).
/// </summary>
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
    string? Error,
    string? Damaged = null,
    string? OutputsDamaged = null,
    string? RunnerNote = null,
    string? Phase = null,
    decimal? CostDollars = null,
    QueryUsage? Queries = null)
{
    /// <summary>
    /// What the run cost in all: its infrastructure (<see cref="CostDollars"/>) and its queries
    /// (<see cref="Queries"/>); null when neither is known (local mode).
    /// </summary>
    public decimal? TotalCostDollars => CostDollars is null && Queries is null ? null : (CostDollars ?? 0m) + (Queries?.Dollars ?? 0m);

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
        var damage = new List<string>(2);
        var parameters = ReadParameters(record, damage);
        ImmutableArray<SizeProgress> sizes;
        try
        {
            sizes = FromStored(StoredRunJson.ReadProgress(record.ProgressJson));
        }
        catch (InvalidDataException e)
        {
            damage.Add($"its progress cannot be read: {e.Message}");
            sizes = [];
        }

        return new RunSnapshot(record.Id, record.State, record.CreatedBy, record.CreatedUtc, record.StartedUtc, record.FinishedUtc,
            parameters, sizes, record.BestNHidden, record.Error, damage.Count == 0 ? null : "The run record is damaged: " + string.Join("; ", damage) + ".",
            record.OutputsDamaged, record.RunnerNote, record.IsFinished ? null : record.Phase, record.CostDollars,
            record.QueryCount == 0 ? null : new QueryUsage(record.QueryCount, record.QueryReusedCount, record.QueryScannedBytes, record.QueryCostDollars));
    }

    internal static StoredParameters ToStored(RunParameters parameters) => StoredParameters.Of(RunParameterParser.ToRaw(parameters));

    internal static StoredProgress ToStored(IEnumerable<SizeProgress> sizes) =>
        StoredProgress.Of(sizes.Select(s => new StoredSize(s.NHidden, s.Iteration, s.Loss, s.Done, s.Metrics is { } m
            ? new StoredMetrics(m.TrainAcc, m.TestAcc, m.SurfaceAgree, m.Iterations, m.FinalLoss, m.FitSeconds, m.StopReason)
            : null)));

    internal static ImmutableArray<SizeProgress> FromStored(StoredProgress progress) =>
        [.. progress.Sizes.Select(s => new SizeProgress(s.NHidden, s.Iteration, s.Loss, s.Done, s.Metrics is { } m
            ? new ModelMetrics(s.NHidden, m.TrainAcc, m.TestAcc, m.SurfaceAgree, m.Iterations, m.FinalLoss, m.FitSeconds, m.StopReason)
            : null))];

    internal static ImmutableArray<SizeProgress> InitialSizes(RunParameters parameters) =>
        [.. parameters.HiddenSizes.Select(n => new SizeProgress(n, 0, null, false, null))];

    private static RunParameters ReadParameters(RunRecord record, List<string> damage)
    {
        try
        {
            var outcome = RunParameterParser.Parse(StoredRunJson.ReadParameters(record.ParametersJson).Values);
            if (outcome.Parameters is { } parameters)
            {
                return parameters with { RunId = record.Id };
            }

            damage.Add("its parameters are not valid (" + string.Join("; ", outcome.Errors.Select(e => $"{e.Parameter.Key} {e.Problem}")) + ")");
        }
        catch (InvalidDataException e)
        {
            damage.Add($"its parameters cannot be read: {e.Message}");
        }

        return new RunParameters { RunId = record.Id };
    }
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
