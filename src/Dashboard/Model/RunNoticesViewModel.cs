using System.Globalization;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;

namespace OneOff.Dashboard.Model;

/// <summary>One notice: a run of the signed-in user ended (<see cref="Outcome"/>), in words, with its link.</summary>
public sealed record RunNotice(string RunId, RunState Outcome, string Text)
{
    public string Href => "runs/" + RunId;
}

/// <summary>
/// The logic of the run-finished notices (<c>RunNotices</c> in the layout): when a run the signed-in user started
/// (its <c>CreatedBy</c> is their name) ends — Succeeded, Failed or Cancelled — after they started watching, one
/// notice says how, newest first, at most <see cref="MaxShown"/>. A run is noticed once, whatever later saves of
/// its record say (a damage found by its page, say); a deleted run takes its notice with it. No notice for the run
/// whose page the user is on: that page shows the change itself.
/// </summary>
public sealed class RunNoticesViewModel(TimeProvider time)
{
    /// <summary>How many notices are kept; an older one goes when a new one comes.</summary>
    public const int MaxShown = 3;

    private const int MaxReasonLength = 160;

    private readonly HashSet<string> _noticed = new(StringComparer.Ordinal);
    private List<RunNotice> _notices = [];
    private string? _userName;
    private DateTime _since;

    /// <summary>The notices, newest first.</summary>
    public IReadOnlyList<RunNotice> Notices => _notices;

    /// <summary>Starts noticing the runs of <paramref name="userName"/> that end from now on.</summary>
    public void Watch(string userName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userName);
        _userName = userName;
        _since = time.GetUtcNow().UtcDateTime;
    }

    /// <summary>Whether <paramref name="change"/> can matter here (an end or a deletion); cheap, for the feed's thread.</summary>
    public static bool MayMatter(RunChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.Run is null or { IsFinished: true };
    }

    /// <summary>
    /// Applies a pushed change; true when the notices changed. <paramref name="currentRunId"/> is the run whose page
    /// is open, if any.
    /// </summary>
    public bool Apply(RunChange change, string? currentRunId = null)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Run is not { } run)
        {
            return Remove(change.RunId);
        }

        if (_userName is null || !run.IsFinished || !string.Equals(run.CreatedBy, _userName, StringComparison.Ordinal)
            || run.FinishedUtc is not { } finished || finished < _since || !_noticed.Add(run.Id))
        {
            return false;
        }

        if (string.Equals(run.Id, currentRunId, StringComparison.Ordinal))
        {
            return false;
        }

        _notices = [new RunNotice(run.Id, run.State, TextOf(run)), .. _notices.Take(MaxShown - 1)];
        return true;
    }

    /// <summary>Dismisses the notice of <paramref name="runId"/>; true when there was one.</summary>
    public bool Dismiss(string runId) => Remove(runId);

    /// <summary>"Run … succeeded — best N 30.", "Run … failed: reason." or "Run … was cancelled."</summary>
    internal static string TextOf(RunSnapshot run) => run.State switch
    {
        RunState.Succeeded when run.BestNHidden is { } best => string.Create(CultureInfo.InvariantCulture, $"Run {run.Id} succeeded — best N {best}."),
        RunState.Succeeded => $"Run {run.Id} succeeded.",
        RunState.Failed when !string.IsNullOrWhiteSpace(run.Error) => $"Run {run.Id} failed: {Shorten(run.Error.Trim())}",
        RunState.Failed => $"Run {run.Id} failed.",
        _ => $"Run {run.Id} was cancelled.",
    };

    /// <summary>A reason cut to a toast's length (the run's page has all of it).</summary>
    private static string Shorten(string reason) =>
        reason.Length <= MaxReasonLength ? reason : reason[..(MaxReasonLength - 1)].TrimEnd() + "…";

    private bool Remove(string runId)
    {
        var kept = _notices.Where(n => !string.Equals(n.RunId, runId, StringComparison.Ordinal)).ToList();
        if (kept.Count == _notices.Count)
        {
            return false;
        }

        _notices = kept;
        return true;
    }
}
