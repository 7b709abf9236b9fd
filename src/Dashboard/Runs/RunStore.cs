using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Runs;

/// <summary>
/// The run records in the database: reads, and load-modify-save of one record with a <see cref="DashboardDbContext"/>
/// per operation. Writes are serialised (one instance per deployment), so that a state check and its save are one
/// step; every saved change is published on the <see cref="RunFeed"/>.
/// </summary>
public sealed class RunStore(IDbContextFactory<DashboardDbContext> dbFactory, RunFeed feed) : IDisposable
{
    // The states of a run that is queued or active (RunRecord.IsFinished is false), in a form EF Core translates.
    private static readonly RunState[] s_unfinishedStates = [RunState.Queued, RunState.Starting, RunState.Running, RunState.Cancelling];

    private readonly SemaphoreSlim _writes = new(1, 1);

    /// <summary>Every run, newest first, as its record says (no live progress).</summary>
    public async Task<IReadOnlyList<RunSnapshot>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var records = await db.Runs.AsNoTracking().OrderByDescending(r => r.CreatedUtc).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. records.Select(RunSnapshot.From)];
    }

    /// <summary>
    /// One page of the runs <paramref name="query"/> filters, in its order, as their records say (no live progress):
    /// filtered, counted, sorted and paged in the database. A page past the end is the last page. A duration is
    /// finished (or <paramref name="utcNow"/> while the run is active) minus started.
    /// </summary>
    public async Task<RunListPage> PageAsync(RunListQuery query, DateTime utcNow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var filtered = Filter(db.Runs.AsNoTracking(), query);
        var total = await filtered.CountAsync(cancellationToken).ConfigureAwait(false);
        var pageCount = Math.Max(1, (total + RunListQuery.PageSize - 1) / RunListQuery.PageSize);
        var page = Math.Clamp(query.Page, 1, pageCount);
        var records = await Order(filtered, query, utcNow).Skip((page - 1) * RunListQuery.PageSize).Take(RunListQuery.PageSize)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return new RunListPage([.. records.Select(RunSnapshot.From)], total, page, pageCount);
    }

    /// <summary>Who started runs, by name (the run list's "started by" choices).</summary>
    public async Task<IReadOnlyList<string>> CreatorsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Runs.AsNoTracking().Select(r => r.CreatedBy).Distinct().OrderBy(n => n).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    private static IQueryable<RunRecord> Filter(IQueryable<RunRecord> runs, RunListQuery query)
    {
        if (query.States.Length > 0)
        {
            var states = query.States.ToArray();
            runs = runs.Where(r => states.Contains(r.State));
        }

        if (query.By is { } by)
        {
            runs = runs.Where(r => r.CreatedBy == by);
        }

        if (query.SinceUtc is { } since)
        {
            runs = runs.Where(r => r.CreatedUtc >= since);
        }

        if (query.UntilUtc is { } until)
        {
            runs = runs.Where(r => r.CreatedUtc < until);
        }

        if (query.BestMin is { } min)
        {
            runs = runs.Where(r => r.BestNHidden >= min);
        }

        if (query.BestMax is { } max)
        {
            runs = runs.Where(r => r.BestNHidden <= max);
        }

        return runs;
    }

    // The same order as RunListQuery.Compare: missing values last, ties newest first, then by id.
    private static IOrderedQueryable<RunRecord> Order(IQueryable<RunRecord> runs, RunListQuery query, DateTime utcNow)
    {
        var descending = query.Descending;
        IOrderedQueryable<RunRecord> ordered;
        switch (query.Sort)
        {
            case RunSort.Duration:
                var duration = (Expression<Func<RunRecord, double?>>)(r =>
                    DashboardDbContext.JulianDay(r.FinishedUtc ?? utcNow) - DashboardDbContext.JulianDay(r.StartedUtc));
                ordered = runs.OrderBy(r => r.StartedUtc == null);
                ordered = descending ? ordered.ThenByDescending(duration) : ordered.ThenBy(duration);
                break;
            case RunSort.BestN:
                ordered = runs.OrderBy(r => r.BestNHidden == null);
                ordered = descending ? ordered.ThenByDescending(r => r.BestNHidden) : ordered.ThenBy(r => r.BestNHidden);
                break;
            case RunSort.State:
                var rank = (Expression<Func<RunRecord, int>>)(r =>
                    r.State == RunState.Queued ? 0
                    : r.State == RunState.Starting ? 1
                    : r.State == RunState.Running ? 2
                    : r.State == RunState.Cancelling ? 3
                    : r.State == RunState.Succeeded ? 4
                    : r.State == RunState.Failed ? 5
                    : 6);
                ordered = descending ? runs.OrderByDescending(rank) : runs.OrderBy(rank);
                break;
            default:
                ordered = descending ? runs.OrderByDescending(r => r.CreatedUtc) : runs.OrderBy(r => r.CreatedUtc);
                break;
        }

        return ordered.ThenByDescending(r => r.CreatedUtc).ThenBy(r => r.Id);
    }

    /// <summary>The runs in one of <paramref name="states"/>, oldest first, at most <paramref name="take"/>.</summary>
    public async Task<IReadOnlyList<RunSnapshot>> ListInAsync(RunState[] states, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var records = await db.Runs.AsNoTracking().Where(r => states.Contains(r.State))
            .OrderBy(r => r.CreatedUtc).Take(take)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. records.Select(RunSnapshot.From)];
    }

    /// <summary>One run as its record says, or null.</summary>
    public async Task<RunSnapshot?> FindAsync(string runId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var record = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, cancellationToken).ConfigureAwait(false);
        return record is null ? null : RunSnapshot.From(record);
    }

    /// <summary>The runner handle a run's record keeps, or null.</summary>
    public async Task<string?> FindHandleAsync(string runId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Runs.AsNoTracking().Where(r => r.Id == runId).Select(r => r.RunnerHandle).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds the record <paramref name="create"/> makes for a fresh id from <paramref name="newId"/>, unless a record
    /// with <paramref name="idempotencyKey"/> exists: then returns that one (<c>Created</c> false). A new record is
    /// added only when <paramref name="admit"/>, shown the runs that are not finished, returns null; its text
    /// otherwise is the refusal and nothing is added. The check and the insert happen under the write lock, so
    /// two submissions cannot both pass a limit that only one fits. A record that already has the key is returned
    /// without asking <paramref name="admit"/>: a re-submission is never refused because of itself.
    /// </summary>
    public async Task<AddOutcome> AddOnceAsync(
        string idempotencyKey, Func<string> newId, Func<string, RunRecord> create, Func<IReadOnlyList<RunSnapshot>, string?> admit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(newId);
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(admit);
        RunSnapshot snapshot;
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            var existing = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.IdempotencyKey == idempotencyKey, cancellationToken).ConfigureAwait(false);
            if (existing is not null)
            {
                return new AddOutcome(RunSnapshot.From(existing), false, null);
            }

            var unfinished = await db.Runs.AsNoTracking().Where(r => s_unfinishedStates.Contains(r.State))
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            if (admit([.. unfinished.Select(RunSnapshot.From)]) is { } refusal)
            {
                return new AddOutcome(null, false, refusal);
            }

            string id;
            do
            {
                id = newId();
            }
            while (await db.Runs.AnyAsync(r => r.Id == id, cancellationToken).ConfigureAwait(false));

            var record = create(id);
            db.Runs.Add(record);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            snapshot = RunSnapshot.From(record);
        }
        finally
        {
            _writes.Release();
        }

        feed.Publish(snapshot);
        return new AddOutcome(snapshot, true, null);
    }

    /// <summary>Adds <paramref name="record"/> unless a record with its id exists; the added run, or null.</summary>
    public async Task<RunSnapshot?> AddIfAbsentAsync(RunRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        RunSnapshot snapshot;
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            if (await db.Runs.AnyAsync(r => r.Id == record.Id, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            db.Runs.Add(record);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            snapshot = RunSnapshot.From(record);
        }
        finally
        {
            _writes.Release();
        }

        feed.Publish(snapshot);
        return snapshot;
    }

    /// <summary>
    /// Loads the record of <paramref name="runId"/>, applies <paramref name="change"/> (one or more of its guarded
    /// methods) and saves it when the change returns true. Returns the saved run; null when there is no such record
    /// or the change was refused (nothing saved).
    /// </summary>
    public async Task<RunSnapshot?> UpdateAsync(string runId, Func<RunRecord, bool> change, CancellationToken cancellationToken)
    {
        RunSnapshot snapshot;
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            var record = await db.Runs.FirstOrDefaultAsync(r => r.Id == runId, cancellationToken).ConfigureAwait(false);
            if (record is null || !change(record))
            {
                return null;
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            snapshot = RunSnapshot.From(record);
        }
        finally
        {
            _writes.Release();
        }

        feed.Publish(snapshot);
        return snapshot;
    }

    /// <summary>Removes the record of a finished run and publishes the deletion; false when there is no finished run of that id.</summary>
    public async Task<bool> RemoveFinishedAsync(string runId, CancellationToken cancellationToken)
    {
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            var record = await db.Runs.FirstOrDefaultAsync(r => r.Id == runId, cancellationToken).ConfigureAwait(false);
            if (record is not { IsFinished: true })
            {
                return false;
            }

            db.Runs.Remove(record);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writes.Release();
        }

        await feed.PublishDeletedAsync(runId, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public void Dispose() => _writes.Dispose();
}

/// <summary>What <see cref="RunStore.AddOnceAsync"/> did: the run (new or the key's), or the refusal.</summary>
public sealed record AddOutcome(RunSnapshot? Run, bool Created, string? Refusal);
