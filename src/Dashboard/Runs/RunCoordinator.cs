using System.Security.Claims;
using OneOff.Core.Runs;

namespace OneOff.Dashboard.Runs;

/// <summary>
/// The runs as the pages and their view models use them, in one place: reads (the record with the live progress
/// of an active run), the commands of <see cref="RunCommands"/>, and the changes of <see cref="RunFeed"/>. It only
/// hands on: the work is done by <see cref="RunCommands"/>, <see cref="RunScheduler"/>, <see cref="RunFollower"/>
/// and <see cref="RunFeed"/>.
/// </summary>
public sealed class RunCoordinator(RunStore runs, RunCommands commands, RunFeed feed)
{
    /// <summary>Raised after any change of a run (state, progress, deletion); handlers must be quick and not throw.</summary>
    public event Action<RunChange>? RunChanged
    {
        add => feed.Changed += value;
        remove => feed.Changed -= value;
    }

    /// <summary>Every run, newest first, with live progress for the active ones.</summary>
    public async Task<IReadOnlyList<RunSnapshot>> ListAsync(CancellationToken cancellationToken = default) =>
        [.. (await runs.ListAsync(cancellationToken).ConfigureAwait(false)).Select(feed.Overlay)];

    /// <summary>One run, or null when there is none with that id.</summary>
    public async Task<RunSnapshot?> GetAsync(string runId, CancellationToken cancellationToken = default) =>
        RunKeys.IsValidRunId(runId) && await runs.FindAsync(runId, cancellationToken).ConfigureAwait(false) is { } run
            ? feed.Overlay(run)
            : null;

    /// <inheritdoc cref="RunCommands.SubmitAsync"/>
    public Task<SubmitResult> SubmitAsync(ClaimsPrincipal user, IReadOnlyDictionary<string, string?> raw, string idempotencyKey, CancellationToken cancellationToken = default) =>
        commands.SubmitAsync(user, raw, idempotencyKey, cancellationToken);

    /// <inheritdoc cref="RunCommands.CancelAsync"/>
    public Task<CommandResult> CancelAsync(ClaimsPrincipal user, string runId, CancellationToken cancellationToken = default) =>
        commands.CancelAsync(user, runId, cancellationToken);

    /// <inheritdoc cref="RunCommands.DeleteAsync"/>
    public Task<CommandResult> DeleteAsync(ClaimsPrincipal user, string runId, CancellationToken cancellationToken = default) =>
        commands.DeleteAsync(user, runId, cancellationToken);
}
