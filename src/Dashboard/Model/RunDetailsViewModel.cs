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
public sealed partial class RunDetailsViewModel(RunQueries runs, RunCommands commands, ResultsService results, ILogger<RunDetailsViewModel> logger)
{
    private int _loadingVersion;

    public string RunId { get; private set; } = "";

    public RunSnapshot? Run { get; private set; }

    /// <summary>True once the run was deleted (by this page or another).</summary>
    public bool Deleted { get; private set; }

    /// <summary>A refusal or failure of the last action, or null.</summary>
    public string? Message { get; private set; }

    public bool ConfirmingDelete { get; private set; }

    public bool IsBusy { get; private set; }

    /// <summary>True when the results (plots) can be shown: the run has published its manifest.</summary>
    public bool HasResults => Run?.State == RunState.Succeeded;

    /// <summary>The plotted results of a succeeded run once loaded (<see cref="LoadResultsAsync"/>), else null.</summary>
    public RunResults? Results { get; private set; }

    /// <summary>True while the results are being loaded.</summary>
    public bool ResultsLoading { get; private set; }

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
            var loaded = await results.GetRunResultsAsync(run.Id, ResultsService.PlotSampleFraction(run.Parameters.TrainSize), run.BestNHidden, cancellationToken).ConfigureAwait(false);
            if (version == _loadingVersion)
            {
                Results = loaded;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (version == _loadingVersion)
            {
                LogResultsFailed(e, run.Id);
                ResultsError = $"The results of this run could not be loaded: {e.Message}";
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

    /// <summary>The surface of another hidden size (the results panel's picker).</summary>
    public Task<DecisionSurface> LoadSurfaceAsync(int nHidden, CancellationToken cancellationToken) =>
        results.GetDecisionSurfaceAsync(RunId, nHidden, cancellationToken).AsTask();

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

    public Task CancelAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
        ActAsync(() => commands.CancelAsync(user, RunId, cancellationToken), cancellationToken);

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
}
