using System.Net;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Audit;

/// <summary>What <c>/admin/audit</c> asks for: a user (actor, attempted or target name), an action, a 1-based page.</summary>
public sealed record AuditQuery(string? User = null, AuditAction? Action = null, int Page = 1);

/// <summary>One page of entries, newest first, and how many match in all.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, int Total, int Page, int PageSize)
{
    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>
/// The audit log in the dashboard's database: who signed in, failed or was locked out, who started, cancelled or
/// deleted which run, who changed which user. Each call uses a short-lived context of its own.
/// </summary>
/// <remarks>
/// Recording happens after the action and never undoes or blocks it: a user who was just locked stays locked even
/// when the entry cannot be written. A failure to write is logged at Error, with what the entry would have said.
/// </remarks>
public sealed partial class AuditLog(
    IDbContextFactory<DashboardDbContext> contexts,
    TimeProvider time,
    IOptions<AuditOptions> options,
    ILogger<AuditLog> logger)
{
    /// <summary>The actor of what the operator does with the dashboard executable's verbs.</summary>
    public const string CommandLine = "(command line)";

    /// <summary>
    /// Records one entry now. Never throws for a database failure (it is logged at Error); the caller's action has
    /// happened already and stands.
    /// </summary>
    public async Task RecordAsync(
        AuditAction action, string? actor, string? target = null, string? detail = null, IPAddress? clientIp = null, string? attemptedUserName = null)
    {
        var entry = AuditEntry.Create(time.GetUtcNow().UtcDateTime, action, actor, target, detail, AddressOf(clientIp), attemptedUserName);
        try
        {
            // No cancellation: the action has happened, its entry must be written even if the request went away.
            var db = await contexts.CreateDbContextAsync(CancellationToken.None).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                db.AuditEntries.Add(entry);
                await db.SaveChangesAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogNotRecorded(e, action, entry.Actor, entry.Target);
        }
    }

    /// <summary>A page of entries, newest first, for an Admin; nothing for anyone else.</summary>
    public async Task<AuditPage> QueryAsync(ClaimsPrincipal caller, AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(query);
        const int Size = AuditOptions.PageSize;
        if (!DashboardRoles.IsAdmin(caller))
        {
            return new AuditPage([], 0, 1, Size);
        }

        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var entries = db.AuditEntries.AsNoTracking();
            if (!string.IsNullOrWhiteSpace(query.User))
            {
                // User names are ASCII (letters, digits, '.', '-', '_'): lower() compares them case-insensitively.
                var user = query.User.Trim().ToLowerInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // translated to SQLite's lower(), not run in .NET
                entries = entries.Where(e => e.Actor!.ToLower() == user || e.AttemptedUserName!.ToLower() == user || e.Target!.ToLower() == user);
#pragma warning restore CA1304, CA1311, CA1862
            }

            if (query.Action is { } action)
            {
                entries = entries.Where(e => e.Action == action);
            }

            var total = await entries.CountAsync(cancellationToken).ConfigureAwait(false);
            var pageCount = Math.Max(1, (total + Size - 1) / Size);
            var page = Math.Clamp(query.Page, 1, pageCount);
            var rows = await entries.OrderByDescending(e => e.Utc).ThenByDescending(e => e.Id)
                .Skip((page - 1) * Size).Take(Size)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            return new AuditPage(rows, total, page, Size);
        }
    }

    /// <summary>Deletes the entries older than <see cref="AuditOptions.RetentionDays"/>; returns how many.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken = default)
    {
        var cutoff = time.GetUtcNow().UtcDateTime.AddDays(-options.Value.RetentionDays);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.AuditEntries.Where(e => e.Utc < cutoff).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static string? AddressOf(IPAddress? address) =>
        address is null ? null : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();

    [LoggerMessage(Level = LogLevel.Error, Message = "The audit log could not record {Action} by {Actor} on {Target}; the action itself happened")]
    private partial void LogNotRecorded(Exception exception, AuditAction action, string? actor, string? target);
}
