using OneOff.Core.Runs;

namespace OneOff.Dashboard.Runs;

/// <summary>
/// The runs as the pages read them: the stored record overlaid with the live progress of an active run, and the
/// changes of <see cref="RunFeed"/>. Commands go to <see cref="RunCommands"/>.
/// </summary>
public sealed class RunQueries(RunStore runs, RunFeed feed)
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

    /// <summary>
    /// One page of the run list (filtered, sorted and paged in the database; see <see cref="RunStore.PageAsync"/>),
    /// with live progress for the active runs on it.
    /// </summary>
    public async Task<RunListPage> PageAsync(RunListQuery query, DateTime utcNow, CancellationToken cancellationToken = default)
    {
        var page = await runs.PageAsync(query, utcNow, cancellationToken).ConfigureAwait(false);
        return page with { Runs = [.. page.Runs.Select(feed.Overlay)] };
    }

    /// <summary>Who started runs, by name.</summary>
    public Task<IReadOnlyList<string>> CreatorsAsync(CancellationToken cancellationToken = default) => runs.CreatorsAsync(cancellationToken);

    /// <summary>One run, or null when there is none with that id.</summary>
    public async Task<RunSnapshot?> GetAsync(string runId, CancellationToken cancellationToken = default) =>
        RunKeys.IsValidRunId(runId) && await runs.FindAsync(runId, cancellationToken).ConfigureAwait(false) is { } run
            ? feed.Overlay(run)
            : null;
}
