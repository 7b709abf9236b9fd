using System.Globalization;
using System.Security.Claims;
using OneOff.Core.Compute;
using OneOff.Core.Runs;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;

namespace OneOff.Dashboard.Model;

/// <summary>
/// The logic of <c>/</c>: one page of the run list (filtered, sorted and paged in the database from the query
/// string, <see cref="RunListQuery"/>) kept current by <see cref="RunQueries.RunChanged"/>, and the parameter form
/// (labels, defaults and validation from the parameter table, one message per field), with the run limits and the
/// run's work against <c>OneOff:Runs:MaxWork</c> as the user types.
/// </summary>
public sealed class RunListViewModel(RunQueries runs, RunCommands commands, RunLimits limits, IJobRunner runner, TimeProvider time)
{
    private readonly Dictionary<string, string> _values = Defaults();
    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private List<RunSnapshot> _runs = [];
    private Task<RunSnapshot?>? _submission;

    /// <summary>The form's fields, in the table's order.</summary>
    public IReadOnlyList<RunParameter> Fields => RunParameterTable.Form;

    /// <summary>The runs of the page shown, in the query's order.</summary>
    public IReadOnlyList<RunSnapshot> Runs => _runs;

    /// <summary>The query the page shows (its <see cref="RunListQuery.Page"/> is the page shown, clamped to the last).</summary>
    public RunListQuery Query { get; private set; } = RunListQuery.Default;

    /// <summary>What could not be used of the query string, one line each (the list shows what it would without it).</summary>
    public IReadOnlyList<string> Notices { get; private set; } = [];

    /// <summary>How many runs the filter lets through, on every page.</summary>
    public int Total { get; private set; }

    public int PageCount { get; private set; } = 1;

    /// <summary>Who started runs: the "started by" filter's choices.</summary>
    public IReadOnlyList<string> Creators { get; private set; } = [];

    /// <summary>
    /// True when a pushed change moved runs onto or off this page in a way it cannot show in place (a run now
    /// matching or no longer matching the filter, a new run under another sort): the page offers to refresh.
    /// </summary>
    public bool ListChanged { get; private set; }

    /// <summary>"41–65 of 1 000" (the page's first and last position among <see cref="Total"/>), or "" when empty.</summary>
    public string RangeText
    {
        get
        {
            if (_runs.Count == 0)
            {
                return "";
            }

            var first = ((Query.Page - 1) * RunListQuery.PageSize) + 1;
            return $"{RunFormat.Count(first)}–{RunFormat.Count(first + _runs.Count - 1)} of {RunFormat.Count(Total)}";
        }
    }

    /// <summary>The page links to show: 1, the last, and the pages near the current one; 0 marks a gap ("…").</summary>
    public IReadOnlyList<int> PageLinks
    {
        get
        {
            var pages = new SortedSet<int> { 1, PageCount };
            for (var p = Query.Page - 2; p <= Query.Page + 2; p++)
            {
                if (p >= 1 && p <= PageCount)
                {
                    pages.Add(p);
                }
            }

            var links = new List<int>();
            foreach (var p in pages)
            {
                if (links.Count > 0 && p > links[^1] + 1)
                {
                    links.Add(0);
                }

                links.Add(p);
            }

            return links;
        }
    }

    /// <summary>A message about the form as a whole (a refusal), or null.</summary>
    public string? FormMessage { get; private set; }

    /// <summary>True while a submission is on its way: the button is disabled and further presses join it.</summary>
    public bool IsSubmitting
    {
        get
        {
            lock (_gate)
            {
                return _submission is not null;
            }
        }
    }

    /// <summary>The effective run limits with their keys (the disk use as of <see cref="LoadAsync"/>).</summary>
    public IReadOnlyList<RunLimit> Limits { get; private set; } = [];

    /// <summary>
    /// The form's work against the limit ("Work: 38 % of the limit, about 1 min on this machine"); null while a field
    /// the work depends on is not valid.
    /// </summary>
    public string? WorkText => Parsed() is { } p ? WorkTextOf(p) : null;

    /// <summary>Why the form's run is over <c>OneOff:Runs:MaxWork</c>, or null.</summary>
    public string? WorkError => Parsed() is { } p ? limits.WorkRefusal(p) : null;

    /// <summary>
    /// One key per state of the form: it changes only when a value does (or the form is reset), so however often
    /// the same filled-in form is submitted, during its submission or after, it is one run.
    /// </summary>
    public string SubmissionKey { get; private set; } = NewKey();

    public string ValueOf(RunParameter field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return _values.TryGetValue(field.Key, out var v) ? v : "";
    }

    public void SetValue(RunParameter field, string? value)
    {
        ArgumentNullException.ThrowIfNull(field);
        value ??= "";
        if (!_values.TryGetValue(field.Key, out var old) || !string.Equals(old, value, StringComparison.Ordinal))
        {
            SubmissionKey = NewKey();
        }

        _values[field.Key] = value;
        _errors.Remove(field.Key);
    }

    public string? ErrorOf(RunParameter field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return _errors.TryGetValue(field.Key, out var e) ? e : null;
    }

    public bool HasErrors => _errors.Count > 0;

    public void ResetForm()
    {
        foreach (var (key, value) in Defaults())
        {
            _values[key] = value;
        }

        _errors.Clear();
        FormMessage = null;
        SubmissionKey = NewKey();
    }

    /// <summary>The run whose parameters fill the form ("Run again with these parameters"), or null.</summary>
    public string? CopiedFrom { get; private set; }

    /// <summary>
    /// Fills the form with the parameters of run <paramref name="runId"/>; nothing starts until Run job. An
    /// unknown run leaves the defaults and says so.
    /// </summary>
    public async Task<bool> FillFromAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        var run = RunKeys.IsValidRunId(runId) ? await runs.GetAsync(runId, cancellationToken).ConfigureAwait(false) : null;
        if (run is null)
        {
            FormMessage = $"There is no run '{RunParameterParser.Echo(runId)}' to copy: the form has the defaults.";
            return false;
        }

        var raw = RunParameterParser.ToRaw(run.Parameters);
        foreach (var field in Fields)
        {
            if (raw.TryGetValue(field.Key, out var value) && value is not null)
            {
                SetValue(field, value);
            }
        }

        CopiedFrom = run.Id;
        return true;
    }

    /// <summary>Loads the run limits and the page of the current <see cref="Query"/>.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        await LoadLimitsAsync(cancellationToken).ConfigureAwait(false);
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Loads the effective run limits (and the disk use now).</summary>
    public async Task LoadLimitsAsync(CancellationToken cancellationToken = default) =>
        Limits = limits.Describe(await limits.StoredBytesAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Shows the page <paramref name="request"/> asks for, with its notices; a page past the end shows the last
    /// page and says so.
    /// </summary>
    public async Task ShowAsync(RunListRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Query = request.Query;
        Notices = request.Notices;
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the page of <see cref="Query"/> again (the Refresh of a changed list).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        var asked = Query.Page;
        var page = await runs.PageAsync(Query, time.GetUtcNow().UtcDateTime, cancellationToken).ConfigureAwait(false);
        var creators = await runs.CreatorsAsync(cancellationToken).ConfigureAwait(false);
        _runs = [.. page.Runs];
        Total = page.Total;
        PageCount = page.PageCount;
        Creators = creators;
        ListChanged = false;
        if (page.Page != asked)
        {
            Notices = [.. Notices, string.Create(CultureInfo.InvariantCulture,
                $"There is no page {asked}: {(page.PageCount == 1 ? "there is one page" : $"there are {page.PageCount} pages")}, this is page {page.Page}.")];
            Query = Query with { Page = page.Page };
        }
    }

    /// <summary>
    /// Applies a pushed change to the page shown; true when the page must re-render. A run on the page is updated in
    /// place (or leaves it when it no longer matches the filter); a new run goes on top of page 1 when the list is
    /// newest first; a run that may belong on this page otherwise sets <see cref="ListChanged"/>.
    /// </summary>
    public bool Apply(RunChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var list = _runs;
        var i = list.FindIndex(r => string.Equals(r.Id, change.RunId, StringComparison.Ordinal));
        var updated = new List<RunSnapshot>(list);
        if (change.Run is not { } run)
        {
            if (i < 0)
            {
                return false;
            }

            updated.RemoveAt(i);
            Total = Math.Max(0, Total - 1);
            ListChanged |= Query.Page < PageCount;
        }
        else if (i >= 0)
        {
            if (Query.Matches(run))
            {
                updated[i] = run;
            }
            else
            {
                updated.RemoveAt(i);
                Total = Math.Max(0, Total - 1);
                ListChanged = true;
            }
        }
        else if (!Query.Matches(run))
        {
            return false;
        }
        else if (Query.IsNewestFirst && Query.Page == 1 && (list.Count == 0 || run.CreatedUtc >= list[0].CreatedUtc))
        {
            updated.Insert(0, run);
            Total++;
            if (updated.Count > RunListQuery.PageSize)
            {
                updated.RemoveAt(updated.Count - 1);
            }
        }
        else if (run.State == RunState.Queued || BelongsHere(run))
        {
            // A new run (a run is published Queued once, when it is created) or one that now sorts onto this page.
            ListChanged = true;
            return true;
        }
        else
        {
            return false;
        }

        _runs = updated;
        PageCount = Math.Max(1, (Total + RunListQuery.PageSize - 1) / RunListQuery.PageSize);
        return true;
    }

    private bool BelongsHere(RunSnapshot run)
    {
        if (_runs.Count == 0)
        {
            return Query.Page == 1;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var afterFirst = Query.Page == 1 || Query.Compare(run, _runs[0], now) > 0;
        var beforeLast = _runs.Count < RunListQuery.PageSize || Query.Compare(run, _runs[^1], now) < 0;
        return afterFirst && beforeLast;
    }

    /// <summary>
    /// Submits the form; returns the new (or already created) run, or null with messages set. A call while a
    /// submission is on its way joins it (same answer, no second command), and a later one with an unchanged form
    /// sends the same <see cref="SubmissionKey"/>: one filled-in form is one run however often it is submitted.
    /// </summary>
    public Task<RunSnapshot?> SubmitAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_gate)
        {
            return _submission ??= SubmitOnceAsync(user, cancellationToken);
        }
    }

    private async Task<RunSnapshot?> SubmitOnceAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        try
        {
            // Leave the lock before any work: the submission is stored first, then runs.
            await Task.Yield();
            _errors.Clear();
            FormMessage = null;
            var raw = Fields.ToDictionary(f => f.Key, f => (string?)ValueOf(f), StringComparer.Ordinal);
            var result = await commands.SubmitAsync(user, raw, SubmissionKey, cancellationToken).ConfigureAwait(false);
            foreach (var error in result.Errors)
            {
                _errors.TryAdd(error.Parameter.Key, error.ForForm());
            }

            FormMessage = result.Refusal;
            if (result.Run is { } run)
            {
                Apply(new RunChange(run.Id, run));
            }

            return result.Run;
        }
        finally
        {
            lock (_gate)
            {
                _submission = null;
            }
        }
    }

    private RunParameters? Parsed() =>
        RunParameterParser.Parse(Fields.ToDictionary(f => f.Key, f => (string?)ValueOf(f), StringComparer.Ordinal)).Parameters;

    private string WorkTextOf(RunParameters parameters)
    {
        // Where the runner runs it: this machine's rate locally; on EMR the cluster's start-up too, and its price.
        var estimate = runner.Estimate(parameters);
        var about = $"about {RunLimits.Duration(estimate.Duration)} {estimate.Where}";
        var cost = estimate.Cost is { } c ? $"; {c}" : "";
        if (limits.WorkShare(parameters) is not { } share)
        {
            return $"Work: {WorkModel.Format(WorkModel.Work(parameters))} units (no limit), {about}{cost}";
        }

        return $"Work: {SharePercent(share)} % of the limit, {about}{cost}";
    }

    /// <summary>A share of the limit in percent: whole above 10 %, one decimal below, "under 0.1" where that would read 0.</summary>
    internal static string SharePercent(double share) =>
        share * 100 < 0.05
            ? "under 0.1"
            : (share * 100).ToString(share < 0.1 ? "0.#" : "#,0", CultureInfo.InvariantCulture);

    private static Dictionary<string, string> Defaults() =>
        RunParameterTable.Form.ToDictionary(p => p.Key, p => p.DefaultText, StringComparer.Ordinal);

    private static string NewKey() => Guid.NewGuid().ToString("N");
}
