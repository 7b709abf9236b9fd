using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;

namespace OneOff.Dashboard.Tests.Infrastructure;

/// <summary>Waits on the coordinator's pushed changes (no sleeps in the tests themselves).</summary>
internal static class RunWaits
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>Waits until the run satisfies <paramref name="condition"/>; fails with the last state seen.</summary>
    public static async Task<RunSnapshot> UntilAsync(RunQueries coordinator, string runId, Func<RunSnapshot, bool> condition, TimeSpan? timeout = null)
    {
        var seen = new TaskCompletionSource<RunSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChange(RunChange change)
        {
            if (change.RunId == runId && change.Run is { } run && condition(run))
            {
                seen.TrySetResult(run);
            }
        }

        coordinator.RunChanged += OnChange;
        try
        {
            if (await coordinator.GetAsync(runId) is { } now && condition(now))
            {
                return now;
            }

            try
            {
                return await seen.Task.WaitAsync(timeout ?? Timeout);
            }
            catch (TimeoutException)
            {
                var last = await coordinator.GetAsync(runId);
                throw new TimeoutException($"Run {runId} did not reach the expected state; it is {last?.State} ({last?.Error}).");
            }
        }
        finally
        {
            coordinator.RunChanged -= OnChange;
        }
    }

    public static Task<RunSnapshot> StateAsync(RunQueries coordinator, string runId, params RunState[] states) =>
        UntilAsync(coordinator, runId, r => states.Contains(r.State));
}
