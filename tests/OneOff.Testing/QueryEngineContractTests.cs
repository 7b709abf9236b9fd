using OneOff.Core.Query;
using OneOff.Core.Runs;

namespace OneOff.Testing;

/// <summary>
/// What every <see cref="IQueryEngine"/> must do, checked on a real run folder against the values read straight
/// from its Parquet files and manifest. An engine's test class derives from this and says how to build the engine.
/// </summary>
public abstract class QueryEngineContractTests(PublishedRunFixture run) : IDisposable
{
    private readonly List<IQueryEngine> _engines = [];

    private const float Tolerance = 1e-6f;

    public static TheoryData<string> QueryNames => [.. QueryCatalog.All.Select(q => q.Name)];

    protected PublishedRunFixture Run { get; } = run;

    private ExpectedRun Expected => Run.Expected;

    /// <summary>A new engine under test, reading the runs under <see cref="PublishedRunFixture.Root"/>.</summary>
    protected abstract IQueryEngine NewEngine();

    public void Dispose()
    {
        foreach (var engine in _engines.OfType<IDisposable>())
        {
            engine.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>The engine under test (disposed with the test).</summary>
    protected IQueryEngine CreateEngine()
    {
        var engine = NewEngine();
        _engines.Add(engine);
        return engine;
    }

    [Fact]
    public async Task GetTrainingDataAsync_PublishedRun_ReturnsEveryPointInIdOrder()
    {
        var points = await CreateEngine().GetTrainingDataAsync(PublishedRunFixture.RunId, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(Expected.ManifestRows("train"), points.Count);
        AssertPoints(Expected.Train, Enumerable.Range(0, points.Count).ToArray(), points);
    }

    [Fact]
    public async Task GetTestDataAsync_PublishedRun_ReturnsEveryPointInIdOrder()
    {
        var points = await CreateEngine().GetTestDataAsync(PublishedRunFixture.RunId, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(Expected.ManifestRows("test"), points.Count);
        AssertPoints(Expected.Test, Enumerable.Range(0, points.Count).ToArray(), points);
    }

    [Fact]
    public async Task GetTrainingDataAsync_HalfSample_KeepsThePointsWhoseRanNumIsBelowOneHalf()
    {
        var points = await CreateEngine().GetTrainingDataAsync(PublishedRunFixture.RunId, 0.5, TestContext.Current.CancellationToken);

        var ranNum = (double[])Expected.Train["ran_num"];
        var kept = Enumerable.Range(0, ranNum.Length).Where(i => ranNum[i] < 0.5).ToArray();
        Assert.InRange(kept.Length, 1, ranNum.Length - 1);
        AssertPoints(Expected.Train, kept, points);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public async Task GetTrainingDataAsync_FractionOutsideZeroToOne_ThrowsNamingTheFraction(double fraction)
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => CreateEngine().GetTrainingDataAsync(PublishedRunFixture.RunId, fraction, TestContext.Current.CancellationToken));

        Assert.Equal("sampleFraction", error.ParamName);
    }

    [Fact]
    public async Task GetClassFractionsAsync_PublishedRun_CountsEveryClassOfBothDataSets()
    {
        var fractions = await CreateEngine().GetClassFractionsAsync(PublishedRunFixture.RunId, TestContext.Current.CancellationToken);

        AssertCounts(Expected.Train, fractions.Train);
        AssertCounts(Expected.Test, fractions.Test);
        Assert.Equal(Expected.ManifestRows("train"), fractions.Train.Total);
        Assert.Equal(Expected.ManifestRows("test"), fractions.Test.Total);
        Assert.Equal(1.0, XoClasses.All.Sum(fractions.Train.Fraction), 12);
    }

    [Fact]
    public async Task GetDecisionSurfaceAsync_EverySize_Returns101By101CellsWithThePredictions()
    {
        var engine = CreateEngine();
        foreach (var n in Expected.HiddenSizes)
        {
            var surface = await engine.GetDecisionSurfaceAsync(PublishedRunFixture.RunId, n, TestContext.Current.CancellationToken);

            Assert.Equal(n, surface.NHidden);
            AssertGridAxes(surface.X, surface.Y);
            Assert.Equal(Expected.ManifestRows("grid"), surface.Classes.Length);
            var cells = CellsOf(Expected.Grids[n]);
            for (var i = 0; i < surface.Classes.Length; i++)
            {
                var (row, p) = cells[(surface.X[i % 101], surface.Y[i / 101])];
                Assert.Equal(row, XoClasses.Label((XoClass)surface.Classes[i]));
                Assert.Equal((float)p[0], surface.PX[i], Tolerance);
                Assert.Equal((float)p[1], surface.PO[i], Tolerance);
                Assert.Equal((float)p[2], surface.PB[i], Tolerance);
            }
        }
    }

    [Fact]
    public async Task GetDecisionSurfaceAsync_SizeTheRunDoesNotHave_ThrowsModelNotFoundNamingTheSize()
    {
        var error = await Assert.ThrowsAsync<ModelNotFoundException>(
            () => CreateEngine().GetDecisionSurfaceAsync(PublishedRunFixture.RunId, 1999, TestContext.Current.CancellationToken));

        Assert.Equal(PublishedRunFixture.RunId, error.RunId);
        Assert.Equal(1999, error.NHidden);
        Assert.Contains("1999", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAllSurfacesAsync_PublishedRun_HoldsEverySizeOnOneGrid()
    {
        var engine = CreateEngine();
        var set = await engine.GetAllSurfacesAsync(PublishedRunFixture.RunId, TestContext.Current.CancellationToken);

        Assert.Equal(Expected.HiddenSizes, set.NHidden);
        AssertGridAxes(set.X, set.Y);
        for (var k = 0; k < set.NHidden.Length; k++)
        {
            var single = await engine.GetDecisionSurfaceAsync(PublishedRunFixture.RunId, set.NHidden[k], TestContext.Current.CancellationToken);
            Assert.Equal(single.Classes, set.Classes[k]);
        }
    }

    [Fact]
    public async Task GetMetricsAsync_PublishedRun_ReturnsEveryModelAndTheManifestsBestSize()
    {
        var metrics = await CreateEngine().GetMetricsAsync(PublishedRunFixture.RunId, TestContext.Current.CancellationToken);

        Assert.Equal(Expected.HiddenSizes, metrics.Models.Select(m => m.NHidden));
        Assert.Equal(Expected.BestNHidden, metrics.BestNHidden);
        foreach (var model in metrics.Models)
        {
            var expected = Expected.Metrics[model.NHidden];
            Assert.Equal(((double[])expected["train_acc"])[0], model.TrainAcc);
            Assert.Equal(((double[])expected["test_acc"])[0], model.TestAcc);
            Assert.Equal(((double[])expected["surface_agree"])[0], model.SurfaceAgree);
            Assert.Equal(((int[])expected["iterations"])[0], model.Iterations);
            Assert.Equal(((double[])expected["final_loss"])[0], model.FinalLoss);
            Assert.Equal(((double[])expected["fit_seconds"])[0], model.FitSeconds);
            Assert.NotNull(model.StopReason);
            Assert.Equal(expected["stop_reason"].GetValue(0) as string, StopReasons.ToWire(model.StopReason));
        }
    }

    [Fact]
    public async Task GetLossCurvesAsync_PublishedRun_ReturnsOneCurvePerSizeInIterationOrder()
    {
        var losses = await CreateEngine().GetLossCurvesAsync(PublishedRunFixture.RunId, TestContext.Current.CancellationToken);

        Assert.Equal(Expected.HiddenSizes, losses.Curves.Select(c => c.NHidden));
        foreach (var curve in losses.Curves)
        {
            var expected = Expected.Losses[curve.NHidden];
            var order = ((int[])expected["iteration"]).Index().OrderBy(p => p.Item).Select(p => p.Index).ToArray();
            Assert.NotEmpty(curve.Iterations);
            Assert.Equal(order.Select(i => ((int[])expected["iteration"])[i]), curve.Iterations);
            Assert.Equal(order.Select(i => ((double[])expected["loss"])[i]), curve.Loss);
        }
    }

    [Theory]
    [MemberData(nameof(QueryNames))]
    public async Task Query_UnpublishedRun_ThrowsRunNotPublished(string query)
    {
        var error = await Assert.ThrowsAsync<RunNotPublishedException>(() => Ask(CreateEngine(), query, PublishedRunFixture.UnpublishedRunId));

        Assert.Equal(PublishedRunFixture.UnpublishedRunId, error.RunId);
        Assert.Contains("_manifest.json", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(QueryNames))]
    public async Task Query_RunThatDoesNotExist_ThrowsRunNotPublished(string query)
    {
        await Assert.ThrowsAsync<RunNotPublishedException>(() => Ask(CreateEngine(), query, "20991231-000000-none"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("../runs")]
    [InlineData("ABC")]
    [InlineData("-leading-dash")]
    [InlineData("x' OR '1'='1")]
    [InlineData("run\n")]
    public async Task Query_InvalidRunId_ThrowsArgumentExceptionNamingTheRule(string runId)
    {
        foreach (var query in QueryCatalog.All)
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(() => Ask(CreateEngine(), query.Name, runId));
            Assert.Contains("a–z, 0–9 and '-'", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CheckHealthAsync_WorkingEngine_IsHealthy()
    {
        var health = await CreateEngine().CheckHealthAsync(TestContext.Current.CancellationToken);

        Assert.True(health.IsHealthy, health.Description);
        Assert.False(string.IsNullOrWhiteSpace(health.Description));
    }

    [Fact]
    public async Task GetTrainingDataAsync_CancelledToken_ThrowsOperationCanceled()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => CreateEngine().GetTrainingDataAsync(PublishedRunFixture.RunId, cancellationToken: cancelled.Token));
    }

    /// <summary>Runs the catalog query <paramref name="name"/> through the engine's typed method.</summary>
    protected static async Task Ask(IQueryEngine engine, string name, string runId)
    {
        var token = TestContext.Current.CancellationToken;
        _ = name switch
        {
            "training-data" => await engine.GetTrainingDataAsync(runId, cancellationToken: token),
            "test-data" => await engine.GetTestDataAsync(runId, cancellationToken: token),
            "class-fractions" => await engine.GetClassFractionsAsync(runId, token),
            "decision-surface" => await engine.GetDecisionSurfaceAsync(runId, 3, token),
            "all-surfaces" => await engine.GetAllSurfacesAsync(runId, token),
            "metrics" => await engine.GetMetricsAsync(runId, token),
            "loss-curves" => (object)await engine.GetLossCurvesAsync(runId, token),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Add the new catalog query to the contract tests."),
        };
    }

    private static void AssertPoints(IReadOnlyDictionary<string, Array> expected, int[] rows, PointSet actual)
    {
        var ids = (long[])expected["id"];
        var byId = Enumerable.Range(0, ids.Length).OrderBy(i => ids[i]).ToArray();
        Assert.Equal(rows.Length, actual.Count);
        Assert.All(new[] { actual.X0.Length, actual.Y0.Length, actual.X.Length, actual.Y.Length }, length => Assert.Equal(rows.Length, length));
        for (var k = 0; k < rows.Length; k++)
        {
            var i = byId[rows[k]];
            Assert.Equal((float)((double[])expected["x0"])[i], actual.X0[k], Tolerance);
            Assert.Equal((float)((double[])expected["y0"])[i], actual.Y0[k], Tolerance);
            Assert.Equal((float)((double[])expected["x"])[i], actual.X[k], Tolerance);
            Assert.Equal((float)((double[])expected["y"])[i], actual.Y[k], Tolerance);
            Assert.Equal(((string[])expected["class"])[i], XoClasses.Label((XoClass)actual.Classes[k]));
        }
    }

    private static void AssertCounts(IReadOnlyDictionary<string, Array> expected, ClassCounts actual)
    {
        var classes = (string[])expected["class"];
        foreach (var pointClass in XoClasses.All)
        {
            var label = XoClasses.Label(pointClass);
            Assert.Equal(classes.Count(c => c == label), actual.Count(pointClass));
        }
    }

    private static void AssertGridAxes(float[] x, float[] y)
    {
        Assert.Equal(101, x.Length);
        Assert.Equal(101, y.Length);
        Assert.Equal(-5f, x[0], Tolerance);
        Assert.Equal(5f, x[^1], Tolerance);
        Assert.Equal(-5f, y[0], Tolerance);
        Assert.Equal(0f, y[50], Tolerance);
        Assert.Equal(5f, y[^1], Tolerance);
    }

    private static Dictionary<(float X, float Y), (string Class, double[] P)> CellsOf(IReadOnlyDictionary<string, Array> grid)
    {
        var (x, y, c) = ((double[])grid["x"], (double[])grid["y"], (string[])grid["class_pred"]);
        var (px, po, pb) = ((double[])grid["p_x"], (double[])grid["p_o"], (double[])grid["p_b"]);
        return Enumerable.Range(0, x.Length).ToDictionary(i => ((float)x[i], (float)y[i]), i => (c[i], new[] { px[i], po[i], pb[i] }));
    }
}
