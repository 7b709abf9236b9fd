using OneOff.Core.Compute;

namespace OneOff.Testing;

/// <summary>What runner tests do with an execution: read every event it reports, within a time limit.</summary>
public static class JobExecutions
{
    /// <summary>The execution's events until its sequence ends; throws when that takes longer than <paramref name="timeout"/>.</summary>
    public static async Task<List<JobEvent>> ReadAllAsync(IJobExecution execution, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var events = new List<JobEvent>();
        await foreach (var e in execution.ReadEventsAsync(limit.Token))
        {
            events.Add(e);
        }

        return events;
    }
}
