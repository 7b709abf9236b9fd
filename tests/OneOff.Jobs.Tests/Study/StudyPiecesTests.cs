using Parquet;
using Parquet.Schema;
using OneOff.Core.Storage;
using OneOff.Core.Runs;
using OneOff.Jobs.Study;
using OneOff.Testing;

namespace OneOff.Jobs.Tests.Study;

public sealed class StudyPiecesTests
{
    private const string RunId = "pieces";
    private static readonly string[] s_sizes = ["3", "8", "20"];

    [Fact]
    public async Task GenerateTrainPublish_ProduceTheSameOutputsAsSweep()
    {
        using var whole = new TempFolder();
        using var pieces = new TempFolder();
        Assert.Equal(0, (await Infrastructure.Cli.RunAsync(["sweep", .. Infrastructure.Cli.Small(whole.Path, RunId)])).ExitCode);

        Assert.Equal(0, (await Infrastructure.Cli.RunAsync(["generate", .. Infrastructure.Cli.Small(pieces.Path, RunId)])).ExitCode);
        Assert.False(File.Exists(pieces[RunKeys.Manifest(RunId)]));
        foreach (var n in s_sizes.Reverse())
        {
            var step = await Infrastructure.Cli.RunAsync("train", "--out", pieces.Path, "--run-id", RunId, "--n-hidden", n);
            Assert.True(step.ExitCode == 0, step.Error);
        }

        Assert.Equal(0, (await Infrastructure.Cli.RunAsync("publish", "--out", pieces.Path, "--run-id", RunId)).ExitCode);

        Assert.Equal(whole.Files(), pieces.Files().Where(f => !f.EndsWith("_parameters.json", StringComparison.Ordinal)));
        foreach (var file in whole.Files().Where(f => f.EndsWith(".parquet", StringComparison.Ordinal)))
        {
            Assert.Equal(await ReadAllAsync(whole[file]), await ReadAllAsync(pieces[file]));
        }

        var a = RunManifest.Parse(await File.ReadAllBytesAsync(whole[RunKeys.Manifest(RunId)], TestContext.Current.CancellationToken));
        var b = RunManifest.Parse(await File.ReadAllBytesAsync(pieces[RunKeys.Manifest(RunId)], TestContext.Current.CancellationToken));
        Assert.Equal(a.Parameters with { HiddenSizes = [] }, b.Parameters with { HiddenSizes = [] });
        Assert.Equal(a.Parameters.HiddenSizes, b.Parameters.HiddenSizes);
        Assert.Equal(a.Models.Select(WithoutTime), b.Models.Select(WithoutTime));
        Assert.Equal(a.BestNHidden, b.BestNHidden);
        Assert.Equal(a.Rows, b.Rows);
    }

    [Fact]
    public async Task Publish_MissingASize_IsAUsageErrorAndPublishesNothing()
    {
        using var folder = new TempFolder();
        await Infrastructure.Cli.RunAsync(["generate", .. Infrastructure.Cli.Small(folder.Path, RunId)]);
        await Infrastructure.Cli.RunAsync("train", "--out", folder.Path, "--run-id", RunId, "--n-hidden", "8");

        var outcome = await Infrastructure.Cli.RunAsync("publish", "--out", folder.Path, "--run-id", RunId);

        // Nothing failed: the sizes are still to be trained (exit 2, as for any command given too early).
        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("3,20", outcome.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(folder[RunKeys.Manifest(RunId)]));
    }

    [Fact]
    public async Task Train_SizeNotInTheRun_ExitsTwo()
    {
        using var folder = new TempFolder();
        await Infrastructure.Cli.RunAsync(["generate", .. Infrastructure.Cli.Small(folder.Path, RunId)]);

        var outcome = await Infrastructure.Cli.RunAsync("train", "--out", folder.Path, "--run-id", RunId, "--n-hidden", "9");

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("--n-hidden 9", Assert.Single(outcome.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sweep_OneOrTwoWorkers_IdenticalResults()
    {
        using var one = new TempFolder();
        using var two = new TempFolder();
        var p = new RunParameters { TrainSize = 800, TestSize = 200, HiddenSizes = [4, 9, 16, 33], MaxIter = 40, RunId = RunId };

        var a = await new XoStudy(new FolderObjectStore(one.Path), TimeProvider.System, new NullProgress(), workers: 1).SweepAsync(p, TestContext.Current.CancellationToken);
        var b = await new XoStudy(new FolderObjectStore(two.Path), TimeProvider.System, new NullProgress(), workers: 2).SweepAsync(p, TestContext.Current.CancellationToken);

        Assert.Equal(a.Models.Select(WithoutTime), b.Models.Select(WithoutTime));
        foreach (var n in p.HiddenSizes)
        {
            Assert.Equal(await ReadAllAsync(one[RunKeys.Grid(RunId, n)]), await ReadAllAsync(two[RunKeys.Grid(RunId, n)]));
            Assert.Equal(await ReadAllAsync(one[RunKeys.Loss(RunId, n)]), await ReadAllAsync(two[RunKeys.Loss(RunId, n)]));
        }
    }

    private static ModelMetrics WithoutTime(ModelMetrics m) => m with { FitSeconds = 0 };

    /// <summary>Every column of a Parquet file as strings (fit_seconds blanked: it is a timing).</summary>
    private static async Task<Dictionary<string, string>> ReadAllAsync(string path)
    {
        await using var reader = await ParquetReader.CreateAsync(path, cancellationToken: TestContext.Current.CancellationToken);
        using var rg = reader.OpenRowGroupReader(0);
        var columns = new Dictionary<string, string>();
        foreach (var field in reader.Schema.GetDataFields())
        {
            if (field.Name == "fit_seconds")
            {
                continue;
            }

            columns[field.Name] = await ColumnTextAsync(rg, field, checked((int)rg.RowCount));
        }

        return columns;
    }

    private static async Task<string> ColumnTextAsync(ParquetRowGroupReader rg, DataField field, int rows)
    {
        var ct = TestContext.Current.CancellationToken;
        if (field.ClrType == typeof(double))
        {
            var v = new double[rows];
            await rg.ReadAsync<double>(field, v.AsMemory(), cancellationToken: ct);
            return string.Join(',', v.Select(x => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (field.ClrType == typeof(long))
        {
            var v = new long[rows];
            await rg.ReadAsync<long>(field, v.AsMemory(), cancellationToken: ct);
            return string.Join(',', v);
        }

        if (field.ClrType == typeof(int))
        {
            var v = new int[rows];
            await rg.ReadAsync<int>(field, v.AsMemory(), cancellationToken: ct);
            return string.Join(',', v);
        }

        var s = new string?[rows];
        await rg.ReadAsync(field, s.AsMemory(), cancellationToken: ct);
        return string.Join(',', s);
    }

    private sealed class NullProgress : IStudyProgress
    {
        public void Started(RunParameters parameters)
        {
        }

        public void Phase(string description)
        {
        }

        public void Iteration(int nHidden, int iteration, double loss)
        {
        }

        public void ModelDone(ModelMetrics model)
        {
        }

        public void Published(RunManifest manifest)
        {
        }
    }
}
