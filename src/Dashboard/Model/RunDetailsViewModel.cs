using System.Security.Claims;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;

namespace OneOff.Dashboard.Model;

/// <summary>The logic of <c>/runs/{runId}</c>: the run, kept current by pushed changes, and Cancel and Delete.</summary>
public sealed class RunDetailsViewModel(RunCoordinator coordinator)
{
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

    public async Task LoadAsync(string runId, CancellationToken cancellationToken = default)
    {
        RunId = runId;
        Deleted = false;
        Message = null;
        ConfirmingDelete = false;
        Run = await coordinator.GetAsync(runId, cancellationToken).ConfigureAwait(false);
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
        return true;
    }

    public Task CancelAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
        ActAsync(() => coordinator.CancelAsync(user, RunId, cancellationToken), cancellationToken);

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
        await ActAsync(() => coordinator.DeleteAsync(user, RunId, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (Message is null)
        {
            Deleted = true;
            Run = null;
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
                Run = await coordinator.GetAsync(RunId, cancellationToken).ConfigureAwait(false) ?? Run;
            }
        }
        finally
        {
            IsBusy = false;
        }
    }
}
