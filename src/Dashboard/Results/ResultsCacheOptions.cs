namespace OneOff.Dashboard.Results;

/// <summary>The results cache's budget (configuration section <c>OneOff:Results</c>; checked by <see cref="ValidateResultsCacheOptions"/>).</summary>
public sealed class ResultsCacheOptions
{
    public const string SectionName = "OneOff:Results";

    /// <summary>
    /// Largest single cached result, in bytes of its compact form (default 64 MiB; HybridCache's own default,
    /// 1 MiB, is far below the training data of a large run). A 1 000 000-point data set takes about 17 MB.
    /// </summary>
    public long MaximumPayloadBytes { get; set; } = 64L << 20;

    /// <summary>Memory all cached results may take together, in bytes (default 512 MiB); past it, entries are compacted away.</summary>
    public long MemoryBudgetBytes { get; set; } = 512L << 20;
}
