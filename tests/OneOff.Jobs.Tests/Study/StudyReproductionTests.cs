using System.Text.Json;
using OneOff.Core.Runs;
using OneOff.Testing;

namespace OneOff.Jobs.Tests.Study;

/// <summary>The default study, run once through the CLI: it must reproduce the original study's findings.</summary>
public sealed class DefaultSweepFixture : IAsyncLifetime
{
    private readonly TempFolder _folder = new();

    public RunManifest Manifest { get; private set; } = null!;

    public string Root => _folder.Path;

    public async ValueTask InitializeAsync()
    {
        var outcome = await Infrastructure.Cli.RunAsync("sweep", "--out", _folder.Path, "--run-id", "default-study");
        Assert.True(outcome.ExitCode == 0, outcome.Error);
        Manifest = RunManifest.Parse(await File.ReadAllBytesAsync(Path.Combine(_folder.Path, RunKeys.Manifest("default-study"))));
    }

    public ValueTask DisposeAsync()
    {
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }
}

public sealed class StudyReproductionTests(DefaultSweepFixture sweep) : IClassFixture<DefaultSweepFixture>
{
    [Fact]
    public void DefaultSweep_SmallNetworksUnderfit()
    {
        var models = sweep.Manifest.Models.ToDictionary(m => m.NHidden);
        var best = models[sweep.Manifest.BestNHidden];

        Assert.True(models[5].SurfaceAgree < best.SurfaceAgree - 0.15, $"N=5 agreement {models[5].SurfaceAgree:P1} vs best {best.SurfaceAgree:P1}");
        Assert.True(models[5].TestAcc < best.TestAcc - 0.03, $"N=5 test accuracy {models[5].TestAcc:P1} vs best {best.TestAcc:P1}");
        Assert.True(models[5].FinalLoss > models[30].FinalLoss, "a 5-unit network cannot fit the data as well as a 30-unit one");
    }

    [Fact]
    public void DefaultSweep_BestSizeIsBetween20And200ByHighestAgreementTiesToSmaller()
    {
        var manifest = sweep.Manifest;

        Assert.InRange(manifest.BestNHidden, 20, 200);
        var top = manifest.Models.Max(m => m.SurfaceAgree);
        Assert.Equal(manifest.Models.Where(m => m.SurfaceAgree == top).Min(m => m.NHidden), manifest.BestNHidden);
        Assert.True(top > 0.9, $"the best model reproduces the shapes on over 90% of the grid (got {top:P1})");
    }

    [Fact]
    public void DefaultSweep_TestAccuracyMatchesScikitLearn()
    {
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "bench", "sklearn-reference.json")));
        var expected = reference.RootElement.GetProperty("models").EnumerateArray()
            .ToDictionary(m => m.GetProperty("n_hidden").GetInt32(), m => m.GetProperty("test_acc_mean").GetDouble());

        Assert.Equal(expected.Keys.Order(), sweep.Manifest.Models.Select(m => m.NHidden).Order());
        foreach (var model in sweep.Manifest.Models)
        {
            var tolerance = model.NHidden < 30 ? 0.03 : 0.01;
            var difference = Math.Abs(model.TestAcc - expected[model.NHidden]);
            Assert.True(difference <= tolerance, $"N={model.NHidden}: test accuracy {model.TestAcc:P2} vs scikit-learn {expected[model.NHidden]:P2}");
        }
    }

    [Fact]
    public void DefaultSweep_EveryModelRanTheFullIterationBudget()
    {
        Assert.All(sweep.Manifest.Models, m => Assert.Equal(100, m.Iterations));
        Assert.All(sweep.Manifest.Models, m => Assert.InRange(m.FinalLoss, 0.2, 0.5));
    }
}
