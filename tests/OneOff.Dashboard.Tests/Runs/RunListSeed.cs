using OneOff.Core.Runs;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;

namespace OneOff.Dashboard.Tests.Runs;

/// <summary>Run records in any state, written straight into a real store (no job runs): the run list's test data.</summary>
internal static class RunListSeed
{
    public static readonly DateTime T0 = new(2026, 11, 1, 8, 0, 0, DateTimeKind.Utc);

    public static readonly string[] Users = ["alice", "bob", "carol"];

    public static readonly int[] BestValues = [5, 7, 10, 30, 50, 75, 100, 200];

    /// <summary>
    /// A record of <paramref name="state"/> created at <paramref name="createdUtc"/>, started a minute later and (when
    /// finished) ended <paramref name="duration"/> after its start; a succeeded one has <paramref name="bestN"/>.
    /// </summary>
    public static RunRecord Record(
        string id, string by, DateTime createdUtc, RunState state, TimeSpan? duration = null, int? bestN = null, string? error = null, RunParameters? parameters = null)
    {
        var p = parameters ?? new RunParameters { TrainSize = 300, TestSize = 100, HiddenSizes = [3, 5], MaxIter = 10 };
        var progress = StoredProgress.Of(p.HiddenSizes.Select(n => new StoredSize(n, 0, null, false, null)));
        var done = StoredProgress.Of(p.HiddenSizes.Select(n => new StoredSize(n, 10, 0.3, true, new StoredMetrics(0.9, 0.88, 0.8, 10, 0.3, 0.01))));
        var record = RunRecord.Queue(id, null, by, createdUtc, StoredParameters.Of(RunParameterParser.ToRaw(p)), progress);
        if (state == RunState.Queued)
        {
            return record;
        }

        var started = createdUtc.AddMinutes(1);
        var ended = started + (duration ?? TimeSpan.FromMinutes(2));
        Check(record.MarkStarting(started));
        switch (state)
        {
            case RunState.Running:
                Check(record.MarkRunning());
                break;
            case RunState.Cancelling:
                Check(record.RequestCancel());
                break;
            case RunState.Succeeded:
                Check(record.MarkSucceeded(ended, bestN, done));
                break;
            case RunState.Failed:
                Check(record.MarkFailed(ended, error ?? "exited with code 1: boom"));
                break;
            case RunState.Cancelled:
                Check(record.RequestCancel() && record.MarkCancelled(ended));
                break;
        }

        return record;
    }

    /// <summary>
    /// <paramref name="count"/> runs, 37 minutes apart from <see cref="T0"/>, started by alice, bob and carol in turn:
    /// succeeded (best N from <see cref="BestValues"/>), failed and cancelled runs of varied durations, the last three
    /// running, queued and cancelling. Returns them as stored.
    /// </summary>
    public static async Task<IReadOnlyList<RunSnapshot>> AddAsync(RunStore store, int count, CancellationToken cancellationToken)
    {
        var added = new List<RunSnapshot>();
        for (var i = 0; i < count; i++)
        {
            var state = (count - i) switch
            {
                3 => RunState.Running,
                2 => RunState.Queued,
                1 => RunState.Cancelling,
                _ => (i % 6) switch { 1 => RunState.Failed, 3 => RunState.Cancelled, _ => RunState.Succeeded },
            };
            var record = Record(
                Id(i), Users[i % Users.Length], T0.AddMinutes(37 * i), state,
                TimeSpan.FromSeconds(((i * 7919) % 3000) + 1), state == RunState.Succeeded ? BestValues[i % BestValues.Length] : null,
                $"exited with code 1: failure {i}\n   at OneOff.Jobs.Study.XoStudy.TrainAsync()\n   at OneOff.Jobs.Cli.JobCli.RunAsync()");
            added.Add(await store.AddIfAbsentAsync(record, cancellationToken) ?? throw new InvalidOperationException($"Run {record.Id} exists."));
        }

        return added;
    }

    public static string Id(int i) => $"20261101-{i:000000}-seed";

    private static void Check(bool moved)
    {
        if (!moved)
        {
            throw new InvalidOperationException("The seed's state machine refused an arrow.");
        }
    }
}
