using System.Globalization;
using System.Security.Claims;
using OneOff.Dashboard.Runs;
using OneOff.Core.Runs;

namespace OneOff.Dashboard.Model;

/// <summary>
/// The logic of <c>/</c>: the run list kept current by <see cref="RunQueries.RunChanged"/>, and the parameter
/// form (labels, defaults and validation from the parameter table, one message per field), with the run limits and
/// the run's work against <c>OneOff:Runs:MaxWork</c> as the user types.
/// </summary>
public sealed class RunListViewModel(RunQueries runs, RunCommands commands, RunLimits limits)
{
    private readonly Dictionary<string, string> _values = Defaults();
    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private List<RunSnapshot> _runs = [];
    private Task<RunSnapshot?>? _submission;

    /// <summary>The form's fields, in the table's order.</summary>
    public IReadOnlyList<RunParameter> Fields => RunParameterTable.Form;

    public IReadOnlyList<RunSnapshot> Runs => _runs;

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

    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        _runs = [.. await runs.ListAsync(cancellationToken).ConfigureAwait(false)];
        Limits = limits.Describe(await limits.StoredBytesAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Applies a pushed change; true when the list changed.</summary>
    public bool Apply(RunChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var list = _runs;
        var i = list.FindIndex(r => string.Equals(r.Id, change.RunId, StringComparison.Ordinal));
        var updated = new List<RunSnapshot>(list);
        if (change.Run is null)
        {
            if (i < 0)
            {
                return false;
            }

            updated.RemoveAt(i);
        }
        else if (i >= 0)
        {
            updated[i] = change.Run;
        }
        else
        {
            updated.Insert(0, change.Run);
        }

        _runs = updated;
        return true;
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
        var about = RunLimits.Duration(RunLimits.Rate.Duration(parameters));
        if (limits.WorkShare(parameters) is not { } share)
        {
            return $"Work: {WorkModel.Format(WorkModel.Work(parameters))} units (no limit), about {about} on this machine";
        }

        var percent = (share * 100).ToString(share < 0.1 ? "0.#" : "#,0", CultureInfo.InvariantCulture);
        return $"Work: {percent} % of the limit, about {about} on this machine";
    }

    private static Dictionary<string, string> Defaults() =>
        RunParameterTable.Form.ToDictionary(p => p.Key, p => p.DefaultText, StringComparer.Ordinal);

    private static string NewKey() => Guid.NewGuid().ToString("N");
}
