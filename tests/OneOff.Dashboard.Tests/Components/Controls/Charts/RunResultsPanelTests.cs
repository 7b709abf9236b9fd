using Bunit;
using OneOff.Core.Storage;
using OneOff.Dashboard.Components.Controls.Charts;
using OneOff.Dashboard.Results;
using OneOff.DuckDb;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Components.Controls.Charts;

/// <summary>The whole results panel on the real run's data.</summary>
public sealed class RunResultsPanelTests(PublishedRunFixture run) : ChartTestContext
{
    [Fact]
    public async Task Render_PublishedRun_DrawsEveryChartWithTheBestSizesSurface()
    {
        var results = await LoadAsync();

        var panel = Render<RunResultsPanel>(p => p.Add(c => c.Results, results));

        Assert.Equal(5, Calls("newPlot"));
        var ids = Module.Invocations["newPlot"].Select(i => i.Arguments[0]).ToArray();
        Assert.Equal(["chart-training", "chart-surface", "chart-surfaces", "chart-accuracy", "chart-loss"], ids);
        Assert.Equal(run.Expected.HiddenSizes.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), panel.FindAll("option").Select(o => o.GetAttribute("value")));
        Assert.Contains("(best)", panel.FindAll("option").Single(o => o.GetAttribute("value") == run.Expected.BestNHidden.ToString(System.Globalization.CultureInfo.InvariantCulture)).TextContent, StringComparison.Ordinal);
        Assert.True(panel.Find("select").HasAttribute("disabled"));
        Assert.Equal(2, panel.FindAll("tbody tr").Count);
        var figures = panel.FindAll("[role=figure]").Select(f => f.GetAttribute("aria-label") ?? "").ToArray();
        Assert.Equal(5, figures.Length);
        Assert.StartsWith("Training data (300 points)", figures[0], StringComparison.Ordinal);
        Assert.StartsWith($"Decision surface, N = {run.Expected.BestNHidden} hidden units — train accuracy", figures[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SelectSize_OtherSize_LoadsItsSurfaceAndRedrawsOnlyTheSurface()
    {
        var results = await LoadAsync();
        var other = run.Expected.HiddenSizes.First(n => n != run.Expected.BestNHidden);
        var engine = new DuckDbQueryEngine(new FolderObjectStore(run.Root));
        var asked = new List<int>();
        var panel = Render<RunResultsPanel>(p => p
            .Add(c => c.Results, results)
            .Add(c => c.LoadSurface, (n, ct) =>
            {
                asked.Add(n);
                return engine.GetDecisionSurfaceAsync(PublishedRunFixture.RunId, n, ct);
            }));

        await panel.Find("select").ChangeAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = other.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal([other], asked);
        panel.WaitForAssertion(() => Assert.Equal(1, Calls("react")));
        Assert.Equal("chart-surface", Module.Invocations["react"][0].Arguments[0]);
        Assert.Contains($"N = {other} hidden units", Layout("react").GetProperty("title").GetProperty("text").GetString(), StringComparison.Ordinal);
        engine.Dispose();
    }

    [Fact]
    public async Task SelectSize_ModelNotFound_ShowsTheMessageAndKeepsTheSurface()
    {
        var results = await LoadAsync();
        var other = run.Expected.HiddenSizes.First(n => n != run.Expected.BestNHidden);
        var panel = Render<RunResultsPanel>(p => p
            .Add(c => c.Results, results)
            .Add(c => c.LoadSurface, (n, _) => Task.FromException<OneOff.Core.Query.DecisionSurface>(new OneOff.Core.Query.ModelNotFoundException(PublishedRunFixture.RunId, n))));

        await panel.Find("select").ChangeAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = other.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal($"The decision surface of N = {other} cannot be read.", panel.Find("[role=alert]").TextContent);
        Assert.Equal(0, Calls("react"));
    }

    [Fact]
    public async Task Render_RecordsBestSize_MarksItBest()
    {
        var results = await LoadAsync();
        var other = run.Expected.HiddenSizes.First(n => n != run.Expected.BestNHidden);

        var panel = Render<RunResultsPanel>(p => p.Add(c => c.Results, results with { BestNHidden = other }));

        Assert.Contains("(best)", panel.FindAll("option").Single(o => o.GetAttribute("value") == other.ToString(System.Globalization.CultureInfo.InvariantCulture)).TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_WithRunId_LinksEachChartsCsvAndTheSurfaceLinkFollowsTheChosenSize()
    {
        var results = await LoadAsync();
        var other = run.Expected.HiddenSizes.First(n => n != run.Expected.BestNHidden);
        var engine = new DuckDbQueryEngine(new FolderObjectStore(run.Root));
        var panel = Render<RunResultsPanel>(p => p
            .Add(c => c.Results, results)
            .Add(c => c.RunId, PublishedRunFixture.RunId)
            .Add(c => c.LoadSurface, (n, ct) => engine.GetDecisionSurfaceAsync(PublishedRunFixture.RunId, n, ct)));
        var before = panel.FindAll("a[download]").Select(a => a.GetAttribute("href")).ToList();

        await panel.Find("select").ChangeAsync(new Microsoft.AspNetCore.Components.ChangeEventArgs { Value = other.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        var prefix = $"/runs/{PublishedRunFixture.RunId}/charts/";
        Assert.Equal(
            [
                prefix + "class-fractions.csv", prefix + "training.csv", prefix + $"surface.csv?n={run.Expected.BestNHidden}",
                prefix + "surfaces.csv", prefix + "accuracy.csv", prefix + "loss.csv",
            ],
            before);
        panel.WaitForAssertion(() => Assert.Equal(prefix + $"surface.csv?n={other}", panel.FindAll("a[download]")[2].GetAttribute("href")));
        Assert.All(panel.FindAll("a[download]"), a => Assert.Equal("Download CSV", a.TextContent));
        Assert.Equal(6, panel.FindAll("a[download]").Select(a => a.GetAttribute("aria-label")).Distinct().Count());
        engine.Dispose();
    }

    [Fact]
    public async Task Render_WithoutRunId_HasNoCsvLinks()
    {
        var results = await LoadAsync();

        var panel = Render<RunResultsPanel>(p => p.Add(c => c.Results, results));

        Assert.Empty(panel.FindAll("a[download]"));
    }

    private async Task<RunResults> LoadAsync()
    {
        using var engine = new DuckDbQueryEngine(new FolderObjectStore(run.Root));
        var token = Xunit.TestContext.Current.CancellationToken;
        var metrics = await engine.GetMetricsAsync(PublishedRunFixture.RunId, token);
        return new RunResults(
            await engine.GetTrainingDataAsync(PublishedRunFixture.RunId, cancellationToken: token),
            await engine.GetClassFractionsAsync(PublishedRunFixture.RunId, token),
            metrics,
            await engine.GetDecisionSurfaceAsync(PublishedRunFixture.RunId, metrics.BestNHidden ?? 0, token),
            await engine.GetAllSurfacesAsync(PublishedRunFixture.RunId, token),
            await engine.GetLossCurvesAsync(PublishedRunFixture.RunId, token));
    }
}
