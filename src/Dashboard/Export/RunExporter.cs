using System.Globalization;
using OneOff.Core.Query;
using OneOff.Core.Runs;
using OneOff.Core.Storage;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Results;
using OneOff.Dashboard.Runs;

namespace OneOff.Dashboard.Export;

/// <summary>Why an export is refused: the HTTP status and one plain sentence (no paths, no engine errors).</summary>
public sealed record ExportRefusal(int StatusCode, string Message);

/// <summary>
/// The export of a published run: a zip of every object under its prefix (Parquet files and manifest, streamed one
/// object at a time through <see cref="IObjectStore"/>, so it works the same over S3), and each chart's data as a
/// table (<see cref="ChartTables"/>) from the same cached query results the run page draws (<see cref="ResultsService"/>).
/// Only a run that has succeeded and still has its manifest is exported.
/// </summary>
public sealed partial class RunExporter(RunQueries runs, ResultsService results, IObjectStore store, ILogger<RunExporter> logger)
{
    /// <summary>The run if it can be exported, else why not (404 for an unknown or malformed id, 409 for a run without published outputs).</summary>
    public async Task<(RunSnapshot? Run, ExportRefusal? Refusal)> FindAsync(string runId, CancellationToken cancellationToken = default)
    {
        if (!RunKeys.IsValidRunId(runId) || await runs.GetAsync(runId, cancellationToken).ConfigureAwait(false) is not { } run)
        {
            return (null, new ExportRefusal(StatusCodes.Status404NotFound, "No such run: there is no run with that id."));
        }

        if (run.State != RunState.Succeeded)
        {
            return (null, new ExportRefusal(
                StatusCodes.Status409Conflict,
                $"Run {run.Id} is {run.State.ToString().ToLowerInvariant()}: only a run that has succeeded has published outputs to export."));
        }

        if (!await store.ExistsAsync(RunKeys.Manifest(run.Id), cancellationToken).ConfigureAwait(false))
        {
            return (null, new ExportRefusal(
                StatusCodes.Status409Conflict,
                $"Run {run.Id} has no manifest: its outputs are damaged and cannot be exported."));
        }

        return (run, null);
    }

    /// <summary>
    /// Writes the zip of <paramref name="run"/>'s objects to <paramref name="output"/> as it reads them
    /// (<see cref="RunZip"/>), its entries dated when the run finished.
    /// </summary>
    /// <returns>How many objects were written.</returns>
    public async Task<int> WriteZipAsync(RunSnapshot run, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(output);
        var stamp = new DateTimeOffset(DateTime.SpecifyKind(run.FinishedUtc ?? run.CreatedUtc, DateTimeKind.Utc));
        var count = await RunZip.WriteAsync(store, run.Id, stamp, output, cancellationToken).ConfigureAwait(false);
        LogExported(run.Id, count);
        return count;
    }

    /// <summary>
    /// The data of one chart of <paramref name="run"/>: <paramref name="chart"/> one of <see cref="ChartTables.Names"/>;
    /// <paramref name="n"/> the hidden size of the <see cref="ChartTables.Surface"/> chart (ignored by the others).
    /// The training data is what its chart plots: every point up to <see cref="ResultsService.MaxPlottedPoints"/>,
    /// the same sample of a larger run (the zip holds every point).
    /// </summary>
    public async Task<(ChartTable? Table, ExportRefusal? Refusal)> GetChartAsync(
        RunSnapshot run, string chart, string? n, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        try
        {
            switch (chart)
            {
                case ChartTables.Training:
                    return (ChartTables.Of(await results.GetTrainingDataAsync(
                        run.Id, ResultsService.PlotSampleFraction(run.Parameters.TrainSize), cancellationToken).ConfigureAwait(false)), null);
                case ChartTables.ClassFractions:
                    return (ChartTables.Of(await results.GetClassFractionsAsync(run.Id, cancellationToken).ConfigureAwait(false)), null);
                case ChartTables.Surfaces:
                    return (ChartTables.Of(await results.GetAllSurfacesAsync(run.Id, cancellationToken).ConfigureAwait(false)), null);
                case ChartTables.Accuracy:
                    return (ChartTables.Of(await results.GetMetricsAsync(run.Id, cancellationToken).ConfigureAwait(false)), null);
                case ChartTables.Loss:
                    return (ChartTables.Of(await results.GetLossCurvesAsync(run.Id, cancellationToken).ConfigureAwait(false)), null);
                case ChartTables.Surface:
                    var sizes = string.Join(", ", run.Parameters.HiddenSizes.Order().Select(s => s.ToString(CultureInfo.InvariantCulture)));
                    if (!int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
                    {
                        return (null, new ExportRefusal(StatusCodes.Status400BadRequest, $"Say which hidden size: add ?n= with one of {sizes}."));
                    }

                    if (!run.Parameters.HiddenSizes.Contains(size))
                    {
                        return (null, new ExportRefusal(StatusCodes.Status404NotFound, $"Run {run.Id} has no model with {size} hidden units: use one of {sizes}."));
                    }

                    return (ChartTables.Of(await results.GetDecisionSurfaceAsync(run.Id, size, cancellationToken).ConfigureAwait(false)), null);
                default:
                    return (null, new ExportRefusal(StatusCodes.Status404NotFound, $"No such chart: use one of {string.Join(", ", ChartTables.Names)}."));
            }
        }
        catch (RunNotPublishedException e)
        {
            LogChartUnreadable(e, run.Id, chart);
            return (null, new ExportRefusal(StatusCodes.Status409Conflict, $"Run {run.Id} has no manifest: its outputs are damaged and cannot be exported."));
        }
        catch (Exception e) when (e is InvalidDataException or ModelNotFoundException)
        {
            // The engine's words name server paths and SQL: the answer names the chart, the log keeps the details.
            LogChartUnreadable(e, run.Id, chart);
            return (null, new ExportRefusal(
                StatusCodes.Status500InternalServerError,
                $"The data of the {chart} chart of run {run.Id} cannot be read: its outputs are damaged (the details are in the dashboard's log)."));
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Run {RunId} exported: {Count} objects")]
    private partial void LogExported(string runId, int count);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Run {RunId}: the data of chart {Chart} cannot be read")]
    private partial void LogChartUnreadable(Exception exception, string runId, string chart);
}
