namespace OneOff.Testing;

/// <summary>
/// A real run folder under a temporary root, shared by every test of the assembly: one published run written by the real job
/// (<see cref="RunId"/>) and the same outputs without a manifest (<see cref="UnpublishedRunId"/>).
/// </summary>
public sealed class PublishedRunFixture : IAsyncLifetime
{
    private ExpectedRun? _expected;

    public const string RunId = "20260101-000000-test";
    public const string UnpublishedRunId = "20260101-000000-open";

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "oneoff-query-tests-" + Guid.NewGuid().ToString("N"));

    public ExpectedRun Expected => _expected ?? throw new InvalidOperationException("The fixture is not initialised.");

    public async ValueTask InitializeAsync()
    {
        await TestRuns.WriteAsync(Root, RunId);
        await TestRuns.WriteAsync(Root, UnpublishedRunId, publish: false);
        _expected = await ExpectedRun.ReadAsync(Path.Combine(Root, "runs", RunId));
    }

    /// <summary>Copies the published run's folder to <c>{root}/runs/{runId}</c> (a run the test may change or delete).</summary>
    public void CopyRunTo(string root, string runId)
    {
        var from = Path.Combine(Root, "runs", RunId);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(root, "runs", runId, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target) ?? root);
            File.Copy(file, target);
        }
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Root, recursive: true);
        return ValueTask.CompletedTask;
    }
}
