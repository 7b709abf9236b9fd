using System.Collections.Immutable;
using System.Security.Claims;
using OneOff.Core.Query;
using OneOff.Dashboard.Components.Controls.Charts;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Results;
using OneOff.Dashboard.Runs;
using OneOff.Core.Runs;

namespace OneOff.Dashboard.Model;

/// <summary>
/// The logic of <c>/runs/{runId}</c>: the run, kept current by pushed changes, Cancel and Delete, and the results
/// (plots) of a succeeded run, loaded once it has succeeded (also when it succeeds while the page is open).
/// </summary>
public sealed partial class RunDetailsViewModel(
    RunQueries runs, RunCommands commands, ResultsService results, RunStore records, ILogger<RunDetailsViewModel> logger)
{
    private int _loadingVersion;

    public string RunId { get; private set; } = "";

    public RunSnapshot? Run { get; private set; }

    /// <summary>True once the run was deleted (by this page or another).</summary>
    public bool Deleted { get; private set; }

    /// <summary>A refusal or failure of the last action, or null.</summary>
    public string? Message { get; private set; }

    public bool ConfirmingDelete { get; private set; }

    /// <summary>True while Cancel waits for its confirmation (<see cref="AskCancel"/>).</summary>
    public bool ConfirmingCancel { get; private set; }

    public bool IsBusy { get; private set; }

    /// <summary>True when the results (plots) can be shown: the run has published its manifest.</summary>
    public bool HasResults => Run?.State == RunState.Succeeded;

    /// <summary>The plotted results of a succeeded run once loaded (<see cref="LoadResultsAsync"/>), else null.</summary>
    public RunResults? Results { get; private set; }

    /// <summary>True while the results are being loaded.</summary>
    public bool ResultsLoading { get; private set; }

    /// <summary>
    /// What the results card says instead of plots while there are none: why a cancelled or failed run has none,
    /// else that they appear once the run has succeeded; null when the run has results.
    /// </summary>
    public string? ResultsPlaceholder => Run?.State switch
    {
        null or RunState.Succeeded => null,
        RunState.Cancelled => "This run was cancelled: it has no results.",
        RunState.Cancelling => "This run is being cancelled: it will have no results.",
        RunState.Failed => "This run failed: it has no results.",
        _ => "The plots appear here once the run has succeeded.",
    };

    /// <summary>
    /// "This run's outputs are damaged: …" (from the loaded results, else the run record's), or null: one message
    /// for every kind of damage, shown on the page and kept on the record for the list.
    /// </summary>
    public string? OutputsDamaged => Results?.DamageSummary ?? (Results is null ? Run?.OutputsDamaged : null);

    /// <summary>Why the results could not be loaded, or null.</summary>
    public string? ResultsError { get; private set; }

    /// <summary>True when the run has results that are neither loaded, nor loading, nor failed: call <see cref="LoadResultsAsync"/>.</summary>
    public bool NeedsResults => HasResults && Results is null && !ResultsLoading && ResultsError is null;

    /// <summary>The true X/O boundary drawn over the run's surfaces (from its parameters, as its manifest has them).</summary>
    public TrueBoundary Boundary => Run is { } run ? TrueBoundary.Of(ManifestParameters.From(run.Parameters)) : TrueBoundary.Default;

    public async Task LoadAsync(string runId, CancellationToken cancellationToken = default)
    {
        if (!string.Equals(runId, RunId, StringComparison.Ordinal))
        {
            ResetResults();
        }

        RunId = runId;
        Deleted = false;
        Message = null;
        ConfirmingDelete = false;
        ConfirmingCancel = false;
        Run = await runs.GetAsync(runId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Loads everything the results section plots (cached by <see cref="ResultsService"/>) when <see cref="NeedsResults"/>;
    /// a failure is kept in <see cref="ResultsError"/>. True when something changed (the page re-renders).
    /// </summary>
    public async Task<bool> LoadResultsAsync(CancellationToken cancellationToken = default)
    {
        if (!NeedsResults || Run is not { } run)
        {
            return false;
        }

        var version = ++_loadingVersion;
        ResultsLoading = true;
        try
        {
            var loaded = await results.GetRunResultsAsync(
                run.Id, ResultsService.PlotSampleFraction(run.Parameters.TrainSize), run.BestNHidden, run.Parameters.HiddenSizes, cancellationToken).ConfigureAwait(false);
            if (version == _loadingVersion)
            {
                Results = loaded;
            }

            // The record keeps what the files say, so that the list shows it too (and forgets it once they are whole).
            if (!string.Equals(loaded.DamageSummary, run.OutputsDamaged, StringComparison.Ordinal))
            {
                await records.UpdateAsync(run.Id, r => r.RecordOutputsDamage(loaded.DamageSummary), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (version == _loadingVersion)
            {
                LogResultsFailed(e, run.Id);
                // The engine's own plain words when it gives them; never an internal message.
                ResultsError = e is QueryFailedException failed
                    ? failed.Retryable ? failed.Message : $"{failed.Message} Trying again may not help; the details are in the dashboard's log."
                    : "The results of this run could not be loaded just now; the details are in the dashboard's log.";
            }
        }
        finally
        {
            if (version == _loadingVersion)
            {
                ResultsLoading = false;
            }
        }

        return true;
    }

    /// <summary>Forgets a failure so that <see cref="LoadResultsAsync"/> tries again.</summary>
    public void RetryResults() => ResultsError = null;

    /// <summary>The surface of another hidden size (the results panel's picker); a failure is logged and thrown.</summary>
    public async Task<DecisionSurface> LoadSurfaceAsync(int nHidden, CancellationToken cancellationToken)
    {
        try
        {
            return await results.GetDecisionSurfaceAsync(RunId, nHidden, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException or ModelNotFoundException or RunNotPublishedException)
        {
            LogSurfaceFailed(e, RunId, nHidden);
            throw;
        }
    }

    /// <summary>
    /// What the progress table says of one size: why it stopped once done ("converged at iteration 212", "stopped at
    /// max_iter 1000 (not converged)", "line search failed at iteration 87"; "done · 212 iterations" for a run written
    /// before stop reasons), its iteration while the run is alive (with its time left when <paramref name="timeLeft"/>
    /// has one for it), and where it stopped once a run ended without it (cancelled, failed) — never
    /// "iteration 385 of 1000" of a run that is over.
    /// </summary>
    public static string SizeStatus(RunSnapshot run, SizeProgress size, RunTimeLeft? timeLeft = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(size);
        var it = size.Iteration.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (size.Done)
        {
            return size.Metrics?.StopReason is { } stop ? StopReasons.Describe(stop, size.Metrics.Iterations) : $"done · {it} iterations";
        }

        var stopped = run.State switch
        {
            RunState.Cancelled or RunState.Cancelling => "cancelled",
            RunState.Failed => "stopped",
            RunState.Succeeded => "not trained",
            _ => null,
        };
        if (stopped is not null)
        {
            return size.Iteration > 0 ? $"{stopped} at iteration {it}" : stopped;
        }

        var max = run.Parameters.MaxIter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (size.Iteration <= 0)
        {
            return "waiting";
        }

        return timeLeft?.Sizes.TryGetValue(size.NHidden, out var left) == true
            ? $"iteration {it} of {max} · about {RunLimits.Duration(left)} left"
            : $"iteration {it} of {max}";
    }

    /// <summary>
    /// The rows of the progress table in the order shown: while the run is alive, the sizes training now first, then
    /// those waiting (each largest first: the order the job takes them), then those done (in the run's order), so that
    /// the rows that move are in view however many sizes there are; once the run is over, the run's order.
    /// </summary>
    public static ImmutableArray<SizeProgress> OrderedSizes(RunSnapshot run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.State is not (RunState.Queued or RunState.Starting or RunState.Running))
        {
            return run.Sizes;
        }

        // OrderBy is stable: the done sizes keep the run's order.
        return [.. run.Sizes.OrderBy(s => s.Done ? 2 : s.Iteration > 0 ? 0 : 1).ThenBy(s => s.Done ? 0 : -s.NHidden)];
    }

    /// <summary>The time the run has left at <paramref name="nowUtc"/>, or null when it is not active (<see cref="RunTimeLeft.Of"/>, at the form's rate until the run shows its own).</summary>
    public static RunTimeLeft? TimeLeft(RunSnapshot run, DateTime nowUtc) => RunTimeLeft.Of(run, nowUtc, RunLimits.Rate);

    /// <summary>
    /// The "Time left" stat: "about 2 min" while it runs ("about 2 min once it starts" while queued, "finishing" once
    /// every size is done), null when the run is not active.
    /// </summary>
    public static string? TimeLeftText(RunSnapshot run, RunTimeLeft? timeLeft)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (timeLeft is null)
        {
            return null;
        }

        if (run.Sizes.Length > 0 && run.Sizes.All(s => s.Done))
        {
            return "finishing";
        }

        var about = "about " + RunLimits.Duration(timeLeft.Total);
        return run.State == RunState.Queued ? about + " once it starts" : about;
    }

    /// <summary>True when a size's bar shows live progress (blue): the run is alive and the size not done.</summary>
    public static bool IsTraining(RunSnapshot run, SizeProgress size)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(size);
        return !size.Done && run.State is RunState.Queued or RunState.Starting or RunState.Running;
    }

    /// <summary>Applies a pushed change; true when it concerns this run.</summary>
    public bool Apply(RunChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!string.Equals(change.RunId, RunId, StringComparison.Ordinal))
        {
            return false;
        }

        Run = change.Run;
        Deleted = change.Run is null;
        if (Deleted)
        {
            ResetResults();
        }

        return true;
    }

    /// <summary>Asks for the confirmation <see cref="CancelAsync"/> needs.</summary>
    public void AskCancel() => ConfirmingCancel = true;

    public void KeepRunning() => ConfirmingCancel = false;

    /// <summary>Cancels the run (after <see cref="AskCancel"/>, like Delete); without the confirmation nothing happens.</summary>
    public async Task CancelAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        if (!ConfirmingCancel)
        {
            return;
        }

        ConfirmingCancel = false;
        await ActAsync(() => commands.CancelAsync(user, RunId, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public void AskDelete() => ConfirmingDelete = true;

    public void KeepRun() => ConfirmingDelete = false;

    /// <summary>Deletes the run (after <see cref="AskDelete"/>); true when it is gone.</summary>
    public async Task<bool> DeleteAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        if (!ConfirmingDelete)
        {
            return false;
        }

        ConfirmingDelete = false;
        await ActAsync(() => commands.DeleteAsync(user, RunId, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (Message is null)
        {
            Deleted = true;
            Run = null;
            ResetResults();
        }

        return Deleted;
    }

    private async Task ActAsync(Func<Task<CommandResult>> action, CancellationToken cancellationToken)
    {
        if (IsBusy)
        {
            return;
        }

        IsBusy = true;
        try
        {
            Message = (await action().ConfigureAwait(false)).Refusal;
            if (!Deleted)
            {
                Run = await runs.GetAsync(RunId, cancellationToken).ConfigureAwait(false) ?? Run;
            }
        }
        finally
        {
            IsBusy = false;
        }
    }

    private void ResetResults()
    {
        _loadingVersion++;
        Results = null;
        ResultsLoading = false;
        ResultsError = null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The results of run {RunId} could not be loaded")]
    private partial void LogResultsFailed(Exception exception, string runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The decision surface of N = {NHidden} of run {RunId} could not be loaded")]
    private partial void LogSurfaceFailed(Exception exception, string runId, int nHidden);
}
