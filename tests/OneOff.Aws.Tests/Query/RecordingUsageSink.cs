using System.Collections.Concurrent;
using OneOff.Core.Query;

namespace OneOff.Aws.Tests.Query;

/// <summary>An <see cref="IQueryUsageSink"/> that sums what it is given per run, for assertions.</summary>
internal sealed class RecordingUsageSink : IQueryUsageSink
{
    private readonly ConcurrentDictionary<string, QueryUsage> _runs = new(StringComparer.Ordinal);

    public void Record(string runId, QueryUsage usage) => _runs.AddOrUpdate(runId, usage, (_, old) => old.Add(usage));

    public QueryUsage ForRun(string runId) => _runs.GetValueOrDefault(runId, QueryUsage.None);
}
