namespace OneOff.Aws.Tests.Query;

/// <summary>
/// A real run folder under a temporary root, shared by every test of the assembly: one published run
/// (<see cref="RunId"/>) and the same outputs without a manifest (<see cref="UnpublishedRunId"/>).
/// </summary>
public sealed class PublishedRunFixture : IAsyncLifetime
{
    public const string RunId = "20260101-000000-test";
    public const string UnpublishedRunId = "20260101-000000-open";

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "oneoff-query-tests-" + Guid.NewGuid().ToString("N"));

    internal ExpectedRun Expected { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await TestRunWriter.WriteAsync(Root, RunId, publish: true);
        await TestRunWriter.WriteAsync(Root, UnpublishedRunId, publish: false);
        Expected = await ExpectedRun.ReadAsync(Path.Combine(Root, "runs", RunId));
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Root, recursive: true);
        return ValueTask.CompletedTask;
    }
}
