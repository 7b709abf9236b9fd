using System.Globalization;
using System.IO.Compression;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Core.Runs;
using OneOff.Dashboard.Export;
using OneOff.Dashboard.Results;

namespace OneOff.Dashboard.Tests.Export;

/// <summary>
/// <c>/runs/{id}/export.zip</c> and <c>/runs/{id}/charts/{chart}.csv</c> on the real app over the real published run:
/// the zip is the run's folder byte for byte, each CSV is the query result its chart draws.
/// </summary>
public sealed class RunExportEndpointsTests(ExportFixture fixture) : IClassFixture<ExportFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private ResultsService Results => fixture.App.Services.GetRequiredService<ResultsService>();

    [Fact]
    public async Task ExportZip_Viewer_HoldsExactlyTheRunsFilesWithTheSameBytes()
    {
        using var response = await fixture.Viewer.GetAsync(Uri(RunExportEndpoints.ZipPath(ExportFixture.RunId)), Token);
        var bytes = await response.Content.ReadAsByteArrayAsync(Token);
        await using var zip = await ZipArchive.CreateAsync(new MemoryStream(bytes), ZipArchiveMode.Read, leaveOpen: false, entryNameEncoding: null, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"attachment; filename=\"{ExportFixture.RunId}.zip\"", response.Content.Headers.ContentDisposition?.ToString());
        var files = Directory.GetFiles(fixture.RunFolder, "*", SearchOption.AllDirectories)
            .Select(f => ExportFixture.RunId + "/" + Path.GetRelativePath(fixture.RunFolder, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(files, zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        Assert.Contains($"{ExportFixture.RunId}/{RunTables.ManifestFile(ExportFixture.RunId)}", files);
        Assert.Contains(files, f => f.EndsWith(".parquet", StringComparison.Ordinal));
        foreach (var entry in zip.Entries)
        {
            var stream = await entry.OpenAsync(Token);
            await using (stream)
            {
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy, Token);
                var onDisk = await File.ReadAllBytesAsync(Path.Combine(fixture.RunFolder, entry.FullName[(ExportFixture.RunId.Length + 1)..]), Token);
                Assert.True(onDisk.AsSpan().SequenceEqual(copy.ToArray()), $"{entry.FullName} differs from the run's file.");
            }
        }
    }

    [Theory]
    [InlineData("/runs/20260101-000000-expo/export.zip")]
    [InlineData("/runs/20260101-000000-expo/charts/accuracy.csv")]
    [InlineData("/runs/no-such-run/export.zip")]
    public async Task Export_Anonymous_RedirectsToLogin(string path)
    {
        using var anonymous = fixture.App.Client();

        using var response = await anonymous.GetAsync(Uri(path), Token);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/runs/20991231-000000-none/export.zip")]
    [InlineData("/runs/20991231-000000-none/charts/loss.csv")]
    [InlineData("/runs/" + ExportFixture.UnpublishedId + "/export.zip")]
    [InlineData("/runs/Not_A_Run_Id/export.zip")]
    [InlineData("/runs/..%2F..%2Fkeys/export.zip")]
    public async Task Export_UnknownRun_Is404WithAPlainMessage(string path)
    {
        using var response = await fixture.Viewer.GetAsync(Uri(path), Token);
        var body = await response.Content.ReadAsStringAsync(Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("No such run: there is no run with that id.\n", body);
    }

    [Fact]
    public async Task Export_RunStillRunning_Is409SayingItHasNotSucceeded()
    {
        using var zip = await fixture.Viewer.GetAsync(Uri(RunExportEndpoints.ZipPath(fixture.RunningId)), Token);
        using var csv = await fixture.Viewer.GetAsync(Uri(RunExportEndpoints.ChartPath(fixture.RunningId, ChartTables.Accuracy)), Token);

        Assert.Equal(HttpStatusCode.Conflict, zip.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, csv.StatusCode);
        var message = await zip.Content.ReadAsStringAsync(Token);
        Assert.Equal($"Run {fixture.RunningId} is running: only a run that has succeeded has published outputs to export.\n", message);
        Assert.Equal(message, await csv.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task Export_SucceededRunWithoutItsManifest_Is409SayingItIsDamaged()
    {
        using var response = await fixture.Viewer.GetAsync(Uri(RunExportEndpoints.ZipPath(ExportFixture.ManifestGoneId)), Token);
        var body = await response.Content.ReadAsStringAsync(Token);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal($"Run {ExportFixture.ManifestGoneId} has no manifest: its outputs are damaged and cannot be exported.\n", body);
        Assert.DoesNotContain(fixture.App.DataRoot, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChartCsv_Accuracy_IsEveryModelsMetricsAsTheQueryGivesThem()
    {
        var metrics = await Results.GetMetricsAsync(ExportFixture.RunId, Token);

        var (response, rows) = await CsvAsync(RunExportEndpoints.ChartPath(ExportFixture.RunId, ChartTables.Accuracy));

        Assert.Equal($"attachment; filename=\"{ExportFixture.RunId}-accuracy.csv\"", response.Content.Headers.ContentDisposition?.ToString());
        Assert.Equal(["n_hidden", .. RunSchemas.Metrics.DataFields.Select(f => f.Name)], rows[0]);
        Assert.Equal(metrics.Models.Count + 1, rows.Count);
        foreach (var (model, row) in metrics.Models.Zip(rows.Skip(1)))
        {
            Assert.Equal(model.NHidden, int.Parse(row[0], CultureInfo.InvariantCulture));
            Assert.Equal(model.TrainAcc, double.Parse(row[1], CultureInfo.InvariantCulture));
            Assert.Equal(model.SurfaceAgree, double.Parse(row[3], CultureInfo.InvariantCulture));
            Assert.Equal(model.FinalLoss, double.Parse(row[5], CultureInfo.InvariantCulture));
            Assert.Equal(model.StopReason is { } reason ? StopReasons.ToWire(reason) : "", row[7]);
            Assert.Contains(row[7], new[] { StopReasons.Converged, StopReasons.MaxIter, StopReasons.LineSearch });
        }
    }

    [Fact]
    public async Task ChartCsv_Training_IsThePlottedPointsAsTheQueryGivesThem()
    {
        var points = await Results.GetTrainingDataAsync(ExportFixture.RunId, 1, Token);

        var (_, rows) = await CsvAsync(RunExportEndpoints.ChartPath(ExportFixture.RunId, ChartTables.Training));

        Assert.Equal(["x0", "y0", "x", "y", "class"], rows[0]);
        Assert.Equal(points.Count + 1, rows.Count);
        var last = rows[^1];
        Assert.Equal(points.X[^1], float.Parse(last[2], CultureInfo.InvariantCulture));
        Assert.Equal(points.Y0[^1], float.Parse(last[1], CultureInfo.InvariantCulture));
        Assert.Equal(XoClasses.Label((XoClass)points.Classes[^1]), last[4]);
        Assert.All(rows.Skip(1), r => Assert.Contains(r[4], new[] { "X", "O", "B" }));
    }

    [Fact]
    public async Task ChartCsv_Surface_IsTheChosenSizesGridRowMajor()
    {
        var n = (await Results.GetMetricsAsync(ExportFixture.RunId, Token)).Models[^1].NHidden;
        var surface = await Results.GetDecisionSurfaceAsync(ExportFixture.RunId, n, Token);

        var (response, rows) = await CsvAsync(RunExportEndpoints.ChartPath(ExportFixture.RunId, ChartTables.Surface, n));

        Assert.Equal($"attachment; filename=\"{ExportFixture.RunId}-surface-n{n}.csv\"", response.Content.Headers.ContentDisposition?.ToString());
        Assert.Equal(["n_hidden", "x", "y", "class_pred", "p_x", "p_o", "p_b"], rows[0]);
        Assert.Equal(surface.X.Length * surface.Y.Length + 1, rows.Count);
        Assert.All(rows.Skip(1), r => Assert.Equal(n.ToString(CultureInfo.InvariantCulture), r[0]));
        var cell = surface.X.Length + 2;
        Assert.Equal(surface.X[2], float.Parse(rows[cell + 1][1], CultureInfo.InvariantCulture));
        Assert.Equal(surface.Y[1], float.Parse(rows[cell + 1][2], CultureInfo.InvariantCulture));
        Assert.Equal(surface.PX[cell], float.Parse(rows[cell + 1][4], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ChartCsv_SurfacesLossAndClassFractions_HaveTheirHeaderAndTheQuerysRowCount()
    {
        var surfaces = await Results.GetAllSurfacesAsync(ExportFixture.RunId, Token);
        var loss = await Results.GetLossCurvesAsync(ExportFixture.RunId, Token);
        var fractions = await Results.GetClassFractionsAsync(ExportFixture.RunId, Token);

        var (_, grid) = await CsvAsync(RunExportEndpoints.ChartPath(ExportFixture.RunId, ChartTables.Surfaces));
        var (_, curves) = await CsvAsync(RunExportEndpoints.ChartPath(ExportFixture.RunId, ChartTables.Loss));
        var (_, classes) = await CsvAsync(RunExportEndpoints.ChartPath(ExportFixture.RunId, ChartTables.ClassFractions));

        Assert.Equal(["n_hidden", "x", "y", "class_pred"], grid[0]);
        Assert.Equal(surfaces.Classes.Sum(c => c.Length) + 1, grid.Count);
        Assert.Equal(surfaces.NHidden.Select(n => n.ToString(CultureInfo.InvariantCulture)), grid.Skip(1).Select(r => r[0]).Distinct());
        Assert.Equal(["n_hidden", "iteration", "loss"], curves[0]);
        Assert.Equal(loss.Curves.Sum(c => c.Iterations.Length) + 1, curves.Count);
        Assert.Equal(loss.Curves[0].Loss[0], double.Parse(curves[1][2], CultureInfo.InvariantCulture));
        Assert.Equal(["data_set", "class", "count", "fraction"], classes[0]);
        Assert.Equal(7, classes.Count);
        Assert.Equal(fractions.Train.X.ToString(CultureInfo.InvariantCulture), classes.Single(r => r[0] == "train" && r[1] == "X")[2]);
        Assert.Equal(fractions.Test.Total, classes.Where(r => r[0] == "test").Sum(r => long.Parse(r[2], CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("surface.csv", HttpStatusCode.BadRequest, "Say which hidden size: add ?n= with one of 3, 5.\n")]
    [InlineData("surface.csv?n=-1", HttpStatusCode.BadRequest, "Say which hidden size: add ?n= with one of 3, 5.\n")]
    [InlineData("surface.csv?n=abc", HttpStatusCode.BadRequest, "Say which hidden size: add ?n= with one of 3, 5.\n")]
    [InlineData("surface.csv?n=4", HttpStatusCode.NotFound, "Run 20260101-000000-expo has no model with 4 hidden units: use one of 3, 5.\n")]
    [InlineData("scatter.csv", HttpStatusCode.NotFound, "No such chart: use one of class-fractions, training, surface, surfaces, accuracy, loss.\n")]
    public async Task ChartCsv_BadChartOrSize_SaysWhatToAskFor(string chart, HttpStatusCode status, string message)
    {
        using var response = await fixture.Viewer.GetAsync(Uri($"/runs/{ExportFixture.RunId}/charts/{chart}"), Token);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(message, await response.Content.ReadAsStringAsync(Token));
    }

    private async Task<(HttpResponseMessage Response, List<string[]> Rows)> CsvAsync(string path)
    {
        var response = await fixture.Viewer.GetAsync(Uri(path), Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var rows = CsvParser.Parse(await response.Content.ReadAsStringAsync(Token));
        Assert.All(rows, r => Assert.Equal(rows[0].Length, r.Length));
        return (response, rows);
    }

    private static Uri Uri(string path) => new(path, UriKind.Relative);
}
