using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Core.Storage;
using OneOff.Dashboard.Results;
using OneOff.DuckDb;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Results;

/// <summary>
/// A real published run (the assembly's <see cref="PublishedRunFixture"/>) copied and then damaged as a disk or a
/// careless hand would: each part of the results is read on its own and the damage is named in plain words.
/// </summary>
public sealed class RunResultsDamageTests(PublishedRunFixture run) : IDisposable
{
    private const string RunId = PublishedRunFixture.RunId;
    private readonly TempFolder _root = new();
    private readonly List<ServiceProvider> _providers = [];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string RunFolder => Path.Combine(_root.Path, "runs", RunId);

    [Fact]
    public async Task GetRunResultsAsync_TruncatedLossFile_ShowsTheRestAndNamesTheLossCurvesWithoutPathsOrSql()
    {
        run.CopyRunTo(_root.Path, RunId);
        Truncate(Directory.GetFiles(Path.Combine(RunFolder, "loss"), "*.parquet", SearchOption.AllDirectories)[0]);

        var results = await Create().GetRunResultsAsync(RunId, cancellationToken: Token);

        Assert.Null(results.Loss);
        Assert.NotNull(results.Training);
        Assert.NotNull(results.Fractions);
        Assert.NotNull(results.Metrics);
        Assert.NotNull(results.Surfaces);
        Assert.NotNull(results.BestSurface);
        Assert.Equal(["the loss curves cannot be read"], results.Damage);
        Assert.Equal("This run's outputs are damaged: the loss curves cannot be read.", results.DamageSummary);
        Assert.DoesNotContain(_root.Path, results.DamageSummary, StringComparison.Ordinal);
        Assert.DoesNotContain("parquet", results.DamageSummary, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task GetRunResultsAsync_TruncatedTrainingFile_HidesOnlyWhatItHolds()
    {
        run.CopyRunTo(_root.Path, RunId);
        Truncate(Path.Combine(RunFolder, "train", "part-0.parquet"));

        var results = await Create().GetRunResultsAsync(RunId, cancellationToken: Token);

        Assert.Null(results.Training);
        Assert.NotNull(results.Metrics);
        Assert.NotNull(results.Loss);
        Assert.NotNull(results.Surfaces);
        Assert.Contains("the training data cannot be read", results.Damage);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{}")]
    public async Task GetRunResultsAsync_UnreadableManifest_ShowsEverythingAndSaysTheManifestIsDamaged(string manifest)
    {
        run.CopyRunTo(_root.Path, RunId);
        await File.WriteAllTextAsync(Path.Combine(RunFolder, "_manifest.json"), manifest, Token);

        var results = await Create().GetRunResultsAsync(RunId, expectedSizes: run.Expected.HiddenSizes, cancellationToken: Token);

        Assert.NotNull(results.Training);
        Assert.NotNull(results.Loss);
        Assert.Equal(["its manifest cannot be read"], results.Damage);
        Assert.StartsWith("This run's outputs are damaged: ", results.DamageSummary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRunResultsAsync_DeletedManifest_SaysItIsMissingNotThatTheJobHasToFinish()
    {
        run.CopyRunTo(_root.Path, RunId);
        File.Delete(Path.Combine(RunFolder, "_manifest.json"));

        var results = await Create().GetRunResultsAsync(RunId, cancellationToken: Token);

        Assert.False(results.HasAny);
        Assert.Equal("This run's outputs are damaged: its manifest is missing, so none of its results can be read.", results.DamageSummary);
    }

    [Fact]
    public async Task GetRunResultsAsync_RemovedMetricsPartition_NamesTheMissingSize()
    {
        run.CopyRunTo(_root.Path, RunId);
        var n = run.Expected.HiddenSizes[0];
        Directory.Delete(Path.Combine(RunFolder, "metrics", $"n_hidden={n}"), recursive: true);

        var results = await Create().GetRunResultsAsync(RunId, cancellationToken: Token);

        Assert.NotNull(results.Metrics);
        Assert.DoesNotContain(results.Metrics.Models, m => m.NHidden == n);
        Assert.Equal([$"the metrics of N = {n} are missing"], results.Damage);
    }

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        _root.Dispose();
    }

    private static void Truncate(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
        stream.SetLength(stream.Length / 2);
    }

    private ResultsService Create()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSingleton(new FolderObjectStore(_root.Path));
        services.AddSingleton<IObjectStore>(sp => sp.GetRequiredService<FolderObjectStore>());
        services.AddSingleton<OneOff.Core.Query.IQueryEngine>(sp => new DuckDbQueryEngine(sp.GetRequiredService<FolderObjectStore>()));
        services.AddOneOffResults();
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<ResultsService>();
    }
}
