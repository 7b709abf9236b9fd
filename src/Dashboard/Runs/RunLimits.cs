using System.Globalization;
using Microsoft.Extensions.Options;
using OneOff.Core.Runs;
using OneOff.Core.Storage;
using OneOff.Dashboard.Configuration;

namespace OneOff.Dashboard.Runs;

/// <summary>One limit as the pages show it: its configuration key, what it bounds, and its effective value.</summary>
public sealed record RunLimit(string Key, string Bounds, string Value);

/// <summary>
/// The run limits of <c>OneOff:Runs</c> (<see cref="RunsOptions.MaxWork"/>, <see cref="RunsOptions.MaxQueued"/>,
/// <see cref="RunsOptions.MaxQueuedPerUser"/>, <see cref="RunsOptions.DiskBudgetBytes"/>; 0 = no limit), checked by
/// <see cref="RunCommands.SubmitAsync"/> in both modes (the CLI has none). A run over a limit is refused, never queued.
/// The queue and disk checks see the unfinished runs inside <see cref="RunStore"/>'s add, under its write lock.
/// </summary>
public sealed class RunLimits(IOptions<RunsOptions> options, IObjectStore store)
{
    private const string RunsPrefix = "runs/";
    private static readonly CultureInfo s_culture = CultureInfo.InvariantCulture;

    /// <summary>The largest run in work units; 0 = no limit.</summary>
    public long MaxWork => options.Value.MaxWork;

    /// <summary>How many runs may be queued or active in all; 0 = no limit.</summary>
    public int MaxQueued => options.Value.MaxQueued;

    /// <summary>How many runs one user may have queued or active; 0 = no limit.</summary>
    public int MaxQueuedPerUser => options.Value.MaxQueuedPerUser;

    /// <summary>The bytes the runs' outputs may take; 0 = no limit.</summary>
    public long DiskBudgetBytes => options.Value.DiskBudgetBytes;

    /// <summary>The speed work is timed at for the estimates shown beside the limits.</summary>
    public static WorkRate Rate => WorkRate.Local;

    /// <summary>The bytes under the store's <c>runs/</c> now (a folder locally, the bucket's prefix on AWS).</summary>
    public Task<long> StoredBytesAsync(CancellationToken cancellationToken) => store.SizeOfPrefixAsync(RunsPrefix, cancellationToken);

    /// <summary>What <see cref="Refusal"/> needs as its stored bytes: the measurement when there is a disk budget, else 0 (no listing).</summary>
    public Task<long> StoredBytesForAdmissionAsync(CancellationToken cancellationToken) =>
        DiskBudgetBytes == 0 ? Task.FromResult(0L) : StoredBytesAsync(cancellationToken);

    /// <summary>The run's work as a fraction of <see cref="MaxWork"/> (1 = at the limit); null when there is no limit.</summary>
    public double? WorkShare(RunParameters parameters) =>
        MaxWork == 0 ? null : (double)WorkModel.Work(parameters) / MaxWork;

    /// <summary>Why a run of <paramref name="parameters"/> is too big, or null when it is within <see cref="MaxWork"/>.</summary>
    public string? WorkRefusal(RunParameters parameters)
    {
        var work = WorkModel.Work(parameters);
        if (MaxWork == 0 || work <= MaxWork)
        {
            return null;
        }

        var ratio = (double)work / MaxWork;
        return string.Create(s_culture,
            $"This run is {ratio:0.0#}× the largest allowed: {WorkModel.Format(work)} work units against {WorkModel.Format(MaxWork)} (OneOff:Runs:MaxWork). Use fewer training points, hidden sizes or iterations.");
    }

    /// <summary>
    /// Why a new run of <paramref name="parameters"/> by <paramref name="user"/> may not be queued, or null. The work
    /// limit first, then the queue of all users, the user's own queue, and the disk budget: the bytes stored
    /// (<paramref name="storedBytes"/>) plus the estimated outputs of every unfinished run and of this one (a running
    /// run's partial outputs are counted twice: the estimate errs on the safe side).
    /// </summary>
    /// <param name="parameters">The new run's parameters.</param>
    /// <param name="user">Who submits it (as its record's <c>CreatedBy</c>).</param>
    /// <param name="storedBytes">What <see cref="StoredBytesAsync"/> measured before the check.</param>
    /// <param name="unfinished">The runs that are queued or active, as the store has them.</param>
    public string? Refusal(RunParameters parameters, string user, long storedBytes, IReadOnlyList<RunSnapshot> unfinished)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(unfinished);
        if (WorkRefusal(parameters) is { } tooBig)
        {
            return tooBig;
        }

        if (MaxQueued > 0 && unfinished.Count >= MaxQueued)
        {
            return string.Create(s_culture,
                $"The queue is full: {unfinished.Count} runs are queued or running, the most allowed (OneOff:Runs:MaxQueued is {MaxQueued}). Wait for one to finish, or cancel one.");
        }

        var mine = unfinished.Count(r => string.Equals(r.CreatedBy, user, StringComparison.Ordinal));
        if (MaxQueuedPerUser > 0 && mine >= MaxQueuedPerUser)
        {
            return string.Create(s_culture,
                $"You already have {mine} {(mine == 1 ? "run" : "runs")} queued or running, the most one user may have (OneOff:Runs:MaxQueuedPerUser is {MaxQueuedPerUser}). Wait for one to finish, or cancel one.");
        }

        if (DiskBudgetBytes > 0)
        {
            var reserved = storedBytes + unfinished.Sum(r => RunOutputSize.Estimate(r.Parameters));
            var needs = RunOutputSize.Estimate(parameters);
            if (reserved + needs > DiskBudgetBytes)
            {
                return $"This run would write about {Bytes(needs)}, and the runs already take {Bytes(reserved)} (those still running counted at their full size) of the {Bytes(DiskBudgetBytes)} allowed (OneOff:Runs:DiskBudgetBytes). Delete old runs, or use fewer points.";
            }
        }

        return null;
    }

    /// <summary>The effective limits with their keys, as the form and the admin page list them.</summary>
    /// <param name="storedBytes">The bytes stored under <c>runs/</c> now, shown beside the disk budget.</param>
    public IReadOnlyList<RunLimit> Describe(long storedBytes) =>
    [
        new("OneOff:Runs:MaxWork", "work of one run",
            MaxWork == 0 ? "no limit" : $"{WorkModel.Format(MaxWork)} work units (about {Duration(Rate.Duration(MaxWork))} on this machine)"),
        new("OneOff:Runs:MaxQueued", "runs queued or running, all users", MaxQueued == 0 ? "no limit" : MaxQueued.ToString(s_culture)),
        new("OneOff:Runs:MaxQueuedPerUser", "runs queued or running, per user", MaxQueuedPerUser == 0 ? "no limit" : MaxQueuedPerUser.ToString(s_culture)),
        new("OneOff:Runs:DiskBudgetBytes", "run outputs stored",
            DiskBudgetBytes == 0 ? $"no limit ({Bytes(storedBytes)} used)" : $"{Bytes(DiskBudgetBytes)} ({Bytes(storedBytes)} used)"),
    ];

    /// <summary>Bytes for people, in SI units: "2.99 MB", "10 GB".</summary>
    public static string Bytes(long bytes)
    {
        (double Scale, string Unit)[] units = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")];
        foreach (var (scale, unit) in units)
        {
            if (Math.Abs(bytes) >= scale)
            {
                return (bytes / scale).ToString("G3", s_culture) + " " + unit;
            }
        }

        return bytes.ToString(s_culture) + " bytes";
    }

    /// <summary>A rough duration for people: "40 s", "2 min", "3.5 h", "12 days".</summary>
    public static string Duration(TimeSpan duration) =>
        duration.TotalSeconds < 90 ? string.Create(s_culture, $"{Math.Max(1, Math.Round(duration.TotalSeconds)):0} s")
        : duration.TotalMinutes < 90 ? string.Create(s_culture, $"{Math.Round(duration.TotalMinutes):0} min")
        : duration.TotalHours < 48 ? string.Create(s_culture, $"{duration.TotalHours:0.#} h")
        : string.Create(s_culture, $"{duration.TotalDays:0} days");
}
