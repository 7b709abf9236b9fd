using System.Security.Claims;
using OneOff.Core.Runs;
using OneOff.Core.Storage;
using OneOff.Dashboard.Audit;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Runs;

/// <summary>
/// What a user asks of runs: submit (one run per idempotency key), cancel and delete; Operators only, checked
/// against the user's standing in the store at the moment each command runs (<see cref="UserStandings"/>), never
/// against the principal a page captured. The parameters are validated once here and travel typed from then on.
/// </summary>
public sealed partial class RunCommands(
    RunStore runs,
    RunFeed feed,
    RunScheduler scheduler,
    RunLimits limits,
    IObjectStore store,
    UserStandings standings,
    AuditLog audit,
    TimeProvider time,
    ILogger<RunCommands> logger)
{
    /// <summary>The refusal of a command from a session that has ended (locked, demoted, signed out, expired).</summary>
    public const string SessionEnded = "Your session has ended or your access has changed: sign in again.";

    /// <summary>
    /// Queues a run with the form's raw values (keyed by manifest key; blank takes the default). The same
    /// <paramref name="idempotencyKey"/> returns the run it already created.
    /// </summary>
    public async Task<SubmitResult> SubmitAsync(ClaimsPrincipal user, IReadOnlyDictionary<string, string?> raw, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        var refusal = await RefuseAsync(user, "start", cancellationToken).ConfigureAwait(false);
        if (refusal.Standing is not { } standing)
        {
            return new SubmitResult(null, [], refusal.Message);
        }

        var outcome = RunParameterParser.Parse(raw);
        if (!outcome.IsValid || outcome.Parameters is null)
        {
            return new SubmitResult(null, outcome.Errors, null);
        }

        var createdBy = standing.UserName;
        var storedBytes = await limits.StoredBytesForAdmissionAsync(cancellationToken).ConfigureAwait(false);
        var added = await runs.AddOnceAsync(idempotencyKey, () => RunKeys.NewRunId(time), id =>
        {
            var parameters = outcome.Parameters with { RunId = id };
            return RunRecord.Queue(id, idempotencyKey, createdBy, time.GetUtcNow().UtcDateTime,
                RunSnapshot.ToStored(parameters), RunSnapshot.ToStored(RunSnapshot.InitialSizes(parameters)));
        }, unfinished => limits.Refusal(outcome.Parameters, createdBy, storedBytes, unfinished), cancellationToken).ConfigureAwait(false);
        if (added.Run is not { } run)
        {
            LogOverLimit(createdBy, added.Refusal);
            return new SubmitResult(null, [], added.Refusal);
        }

        if (added.Created)
        {
            LogQueued(run.Id, run.CreatedBy);
            await audit.RecordAsync(AuditAction.RunStarted, run.CreatedBy, target: run.Id).ConfigureAwait(false);
        }

        return new SubmitResult(feed.Overlay(run), [], null);
    }

    /// <summary>Cancels a run that has not published: a queued one at once, a started one by stopping its job.</summary>
    public async Task<CommandResult> CancelAsync(ClaimsPrincipal user, string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var refusal = await RefuseAsync(user, "cancel", cancellationToken).ConfigureAwait(false);
        if (refusal.Standing is not { } standing)
        {
            return new CommandResult(refusal.Message);
        }

        if (!RunKeys.IsValidRunId(runId))
        {
            return new CommandResult($"There is no run '{runId}'.");
        }

        var wasQueued = false;
        var cancelling = await runs.UpdateAsync(runId, r =>
        {
            // A queued run has no job to stop: it goes through Cancelling to Cancelled at once.
            wasQueued = r.State == RunState.Queued;
            return r.RequestCancel() && (!wasQueued || r.MarkCancelled(time.GetUtcNow().UtcDateTime));
        }, cancellationToken).ConfigureAwait(false);
        if (cancelling is null)
        {
            return await RefuseCancelAsync(runId, cancellationToken).ConfigureAwait(false);
        }

        LogCancelling(runId, standing.UserName);
        await audit.RecordAsync(AuditAction.RunCancelled, standing.UserName, target: runId).ConfigureAwait(false);
        if (!wasQueued && scheduler.Find(runId) is { } follower)
        {
            await follower.CancelAsync(cancellationToken).ConfigureAwait(false);
        }

        return CommandResult.Done;
    }

    /// <summary>Deletes a finished run: its files under <c>runs/{id}/</c>, then its record; the feed tells who needs to know.</summary>
    public async Task<CommandResult> DeleteAsync(ClaimsPrincipal user, string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var refusal = await RefuseAsync(user, "delete", cancellationToken).ConfigureAwait(false);
        if (refusal.Standing is not { } standing)
        {
            return new CommandResult(refusal.Message);
        }

        if (!RunKeys.IsValidRunId(runId))
        {
            return new CommandResult($"There is no run '{runId}'.");
        }

        var run = await runs.FindAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return new CommandResult($"There is no run '{runId}'.");
        }

        // A finished record can no longer change (every arrow out of it is refused), even while its follower winds down.
        if (!run.IsFinished)
        {
            return new CommandResult("The run is still active: cancel it first, then delete it.");
        }

        await store.DeletePrefixAsync(RunKeys.Run(runId), cancellationToken).ConfigureAwait(false);
        if (!await runs.RemoveFinishedAsync(runId, cancellationToken).ConfigureAwait(false))
        {
            return new CommandResult($"There is no run '{runId}'.");
        }

        LogDeleted(runId, standing.UserName);
        await audit.RecordAsync(AuditAction.RunDeleted, standing.UserName, target: runId).ConfigureAwait(false);
        return CommandResult.Done;
    }

    /// <summary>The user's current standing when they may operate; otherwise the page's message (and a log line).</summary>
    private async Task<(UserStanding? Standing, string? Message)> RefuseAsync(ClaimsPrincipal user, string verb, CancellationToken cancellationToken)
    {
        var standing = await standings.FindAsync(user, cancellationToken).ConfigureAwait(false);
        if (standing is null)
        {
            LogRefused(user.Identity?.Name, verb + " a run", "the session is no longer valid");
            return (null, SessionEnded);
        }

        if (!standing.CanOperate)
        {
            LogRefused(standing.UserName, verb + " a run", "not an Operator");
            return (null, $"Only Operators can {verb} runs.");
        }

        return (standing, null);
    }

    private async Task<CommandResult> RefuseCancelAsync(string runId, CancellationToken cancellationToken) =>
        await runs.FindAsync(runId, cancellationToken).ConfigureAwait(false) switch
        {
            null => new CommandResult($"There is no run '{runId}'."),
            { State: RunState.Cancelling } => CommandResult.Done,
            { State: RunState.Succeeded } => new CommandResult("The run has published its results: it can no longer be cancelled, only deleted."),
            { IsFinished: true } run => new CommandResult($"The run has already ended ({run.State})."),
            _ => new CommandResult("The run changed state meanwhile; try again."),
        };

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} queued by {User}")]
    private partial void LogQueued(string runId, string user);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run of {User} refused by a limit: {Refusal}")]
    private partial void LogOverLimit(string user, string? refusal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused: {User} may not {Action} ({Reason})")]
    private partial void LogRefused(string? user, string action, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} cancelled by {User}")]
    private partial void LogCancelling(string runId, string? user);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} deleted by {User}")]
    private partial void LogDeleted(string runId, string? user);
}
