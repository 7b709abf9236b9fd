using System.Security.Claims;
using OneOff.Core.Runs;
using OneOff.Core.Storage;
using OneOff.Dashboard.Audit;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Runs;

/// <summary>
/// What a user asks of runs: submit (one run per idempotency key), cancel and delete; Operators only. The
/// parameters are validated once here and travel typed from then on.
/// </summary>
public sealed partial class RunCommands(
    RunStore runs,
    RunFeed feed,
    RunScheduler scheduler,
    IObjectStore store,
    AuditLog audit,
    TimeProvider time,
    ILogger<RunCommands> logger)
{
    /// <summary>
    /// Queues a run with the form's raw values (keyed by manifest key; blank takes the default). The same
    /// <paramref name="idempotencyKey"/> returns the run it already created.
    /// </summary>
    public async Task<SubmitResult> SubmitAsync(ClaimsPrincipal user, IReadOnlyDictionary<string, string?> raw, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        if (!DashboardRoles.CanOperate(user))
        {
            LogRefused(user.Identity?.Name, "start a run");
            return new SubmitResult(null, [], "Only Operators can start runs.");
        }

        var outcome = RunParameterParser.Parse(raw);
        if (!outcome.IsValid || outcome.Parameters is null)
        {
            return new SubmitResult(null, outcome.Errors, null);
        }

        var createdBy = user.Identity?.Name ?? "?";
        var (run, created) = await runs.AddOnceAsync(idempotencyKey, () => RunKeys.NewRunId(time), id =>
        {
            var parameters = outcome.Parameters with { RunId = id };
            return RunRecord.Queue(id, idempotencyKey, createdBy, time.GetUtcNow().UtcDateTime,
                RunSnapshot.ToStored(parameters), RunSnapshot.ToStored(RunSnapshot.InitialSizes(parameters)));
        }, cancellationToken).ConfigureAwait(false);
        if (created)
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
        if (!DashboardRoles.CanOperate(user))
        {
            LogRefused(user.Identity?.Name, "cancel a run");
            return new CommandResult("Only Operators can cancel runs.");
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

        LogCancelling(runId, user.Identity?.Name);
        await audit.RecordAsync(AuditAction.RunCancelled, user.Identity?.Name, target: runId).ConfigureAwait(false);
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
        if (!DashboardRoles.CanOperate(user))
        {
            LogRefused(user.Identity?.Name, "delete a run");
            return new CommandResult("Only Operators can delete runs.");
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

        LogDeleted(runId, user.Identity?.Name);
        await audit.RecordAsync(AuditAction.RunDeleted, user.Identity?.Name, target: runId).ConfigureAwait(false);
        return CommandResult.Done;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused: {User} may not {Action}")]
    private partial void LogRefused(string? user, string action);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} cancelled by {User}")]
    private partial void LogCancelling(string runId, string? user);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} deleted by {User}")]
    private partial void LogDeleted(string runId, string? user);
}
