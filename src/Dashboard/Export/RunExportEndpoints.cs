using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using OneOff.Core.Runs;
using OneOff.Core.Storage;

namespace OneOff.Dashboard.Export;

/// <summary>
/// <c>GET /runs/{runId}/export.zip</c> (the run's outputs) and <c>GET /runs/{runId}/charts/{chart}.csv</c> (a chart's
/// data; the surface takes <c>?n=</c>): downloads for any signed-in user (Viewer is enough: they only read). A refusal
/// is a plain sentence: 404 for an unknown run or chart, 409 for a run without published outputs.
/// </summary>
public static partial class RunExportEndpoints
{
    /// <summary>The zip of a run's outputs.</summary>
    public static string ZipPath(string runId) => $"/runs/{Checked(runId)}/export.zip";

    /// <summary>The CSV of one chart (<see cref="ChartTables.Names"/>) of a run; <paramref name="n"/> for the surface.</summary>
    public static string ChartPath(string runId, string chart, int? n = null) =>
        n is { } size
            ? string.Create(CultureInfo.InvariantCulture, $"/runs/{Checked(runId)}/charts/{chart}.csv?n={size}")
            : $"/runs/{Checked(runId)}/charts/{chart}.csv";

    public static IEndpointRouteBuilder MapRunExport(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var run = endpoints.MapGroup("/runs/{runId}").RequireAuthorization().WithMetadata(new SkipStatusCodePagesAttribute());
        run.MapGet("/export.zip", ZipAsync);
        run.MapGet("/charts/{chart}.csv", ChartAsync);
        return endpoints;
    }

    private static async Task ZipAsync(string runId, RunExporter exporter, HttpContext http, ILogger<RunExporter> logger)
    {
        var cancellationToken = http.RequestAborted;
        var (run, refusal) = await exporter.FindAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            await RefuseAsync(http, refusal).ConfigureAwait(false);
            return;
        }

        Download(http, "application/zip", $"{run.Id}.zip");
        try
        {
            await exporter.WriteZipAsync(run, http.Response.Body, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectNotFoundException && !cancellationToken.IsCancellationRequested)
        {
            // Half a zip must not pass for a whole one: the download breaks off instead of ending cleanly.
            LogZipFailed(logger, e, run.Id);
            http.Abort();
        }
    }

    private static async Task ChartAsync(string runId, string chart, [FromQuery] string? n, RunExporter exporter, HttpContext http)
    {
        var cancellationToken = http.RequestAborted;
        var (run, refusal) = await exporter.FindAsync(runId, cancellationToken).ConfigureAwait(false);
        ChartTable? table = null;
        if (run is not null)
        {
            (table, refusal) = await exporter.GetChartAsync(run, chart, n, cancellationToken).ConfigureAwait(false);
        }

        if (run is null || table is null)
        {
            await RefuseAsync(http, refusal).ConfigureAwait(false);
            return;
        }

        // GetChartAsync accepted n as digits only for the surface.
        var name = table.Chart == ChartTables.Surface
            ? string.Create(CultureInfo.InvariantCulture, $"{run.Id}-{table.Chart}-n{int.Parse(n ?? "", NumberStyles.None, CultureInfo.InvariantCulture)}.csv")
            : $"{run.Id}-{table.Chart}.csv";
        Download(http, Csv.ContentType, name);
        var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            await Csv.WriteAsync(table, writer, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void Download(HttpContext http, string contentType, string fileName)
    {
        // The file name is made of a checked run id, a chart name and a number: nothing to escape.
        http.Response.ContentType = contentType;
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        http.Response.Headers.CacheControl = "private, no-store";
    }

    private static Task RefuseAsync(HttpContext http, ExportRefusal? refusal)
    {
        var answer = refusal ?? new ExportRefusal(StatusCodes.Status500InternalServerError, "The export could not be made.");
        http.Response.StatusCode = answer.StatusCode;
        http.Response.ContentType = "text/plain; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        return http.Response.WriteAsync(answer.Message + "\n", http.RequestAborted);
    }

    private static string Checked(string runId)
    {
        RunKeys.ThrowIfInvalidRunId(runId);
        return runId;
    }

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "The export of run {RunId} broke off")]
    private static partial void LogZipFailed(ILogger logger, Exception exception, string runId);
}
