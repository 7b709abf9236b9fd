using OneOff.Aws.Query;
using OneOff.Aws.Storage;

[assembly: AssemblyFixture(typeof(OneOff.Aws.Tests.Query.PublishedRunFixture))]

namespace OneOff.Aws.Tests.Query;

/// <summary>The <see cref="IQueryEngine"/> contract on DuckDB over the fixture's local run folder, plus DuckDB's own cases.</summary>
public sealed class DuckDbQueryEngineTests(PublishedRunFixture run) : QueryEngineContractTests(run)
{
    protected override IQueryEngine CreateEngine() => new DuckDbQueryEngine(new LocalObjectStore(Run.Root));

    [Fact]
    public async Task GetMetricsAsync_RootWithAQuoteInItsPath_ReadsTheRun()
    {
        var root = Path.Combine(Path.GetTempPath(), "oneoff-it's-" + Guid.NewGuid().ToString("N"));
        try
        {
            Run.CopyRunTo(root, PublishedRunFixture.RunId);
            var engine = new DuckDbQueryEngine(new LocalObjectStore(root));

            var metrics = await engine.GetMetricsAsync(PublishedRunFixture.RunId, TestContext.Current.CancellationToken);

            Assert.Equal(Run.Expected.HiddenSizes, metrics.Models.Select(m => m.NHidden));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("data*")]
    [InlineData("data[1]")]
    [InlineData("data?")]
    public void Constructor_RootWithAGlobCharacter_ThrowsNamingTheRoot(string name)
    {
        var root = Path.Combine(Path.GetTempPath(), name);

        var error = Assert.Throws<ArgumentException>(() => new DuckDbQueryEngine(new LocalObjectStore(root)));

        Assert.Contains(root, error.Message, StringComparison.Ordinal);
    }
}
