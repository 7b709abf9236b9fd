using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using OneOff.Aws.Clients;
using OneOff.Aws.Clients.Athena;
using OneOff.Aws.Clients.Athena.Models;
using OneOff.Core.Query;
using OneOff.Core.Storage;

namespace OneOff.Aws.Query;

/// <summary>
/// Aws mode's <see cref="IQueryEngine"/>: the catalog's SQL on Athena over the external tables of
/// <see cref="AthenaCatalog"/> (created at first use). Each query: the run id checked and the manifest read (published?
/// which sizes?) from the run's store; the SQL bound (<see cref="QueryDefinition.Bind"/>) with the run's sizes and
/// sent with <c>ExecutionParameters</c> as Trino literals (or, with <c>InlineValues</c>, the run id and sizes as
/// literals); polled to its end (<see cref="AthenaQueryRunner"/>: back-off, timeout, stop on cancel, retries only
/// for what Athena marks retryable); its statistics added to <see cref="AthenaUsage"/>; its rows read from page 1
/// of <c>GetQueryResults</c> when that page holds them all, else from the result CSV in one S3 GET. A FAILED query
/// is a <see cref="QueryFailedException"/> with a plain message.
/// </summary>
public sealed partial class AthenaQueryEngine : CatalogQueryEngine, IDisposable
{
    private readonly AthenaQueryRunner _runner;
    private readonly AthenaCatalog _catalog;
    private readonly AthenaResultFiles _results;
    private readonly AthenaUsage _usage;
    private readonly ILogger _logger;
    private readonly IDisposable? _owned;

    internal AthenaQueryEngine(
        AthenaQueryRunner runner, AthenaCatalog catalog, IObjectStore store, AthenaResultFiles results, AthenaUsage usage, ILogger<AthenaQueryEngine> logger, IDisposable? owned = null)
        : base(store)
    {
        _owned = owned;
        _runner = runner;
        _catalog = catalog;
        _results = results;
        _usage = usage;
        _logger = logger;
    }

    private AthenaSettings Settings => _runner.Settings;

    /// <summary><c>GetWorkGroup</c> (free): healthy when the workgroup exists and is ENABLED. Never a query.</summary>
    public override async Task<QueryEngineHealth> CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await _runner.Client.GetWorkGroupAsync(new GetWorkGroupRequest { WorkGroup = Settings.WorkGroup }, cancellationToken).ConfigureAwait(false);
            var state = response.WorkGroup?.State ?? "(no state)";
            var engine = response.WorkGroup?.Configuration?.EngineVersion?.EffectiveEngineVersion ?? response.WorkGroup?.Configuration?.EngineVersion?.SelectedEngineVersion;
            var what = $"Athena workgroup '{Settings.WorkGroup}' in {_runner.Client.Region} is {state}{(engine is null ? "" : $" ({engine})")}, database {Settings.Database}";
            return new QueryEngineHealth(state == AthenaWorkGroupState.Enabled, what);
        }
        catch (Exception e) when (e is AwsServiceException or HttpRequestException or TimeoutException)
        {
            return new QueryEngineHealth(false, $"Athena workgroup '{Settings.WorkGroup}' cannot be read: {e.Message}");
        }
    }

    /// <summary>Disposes the S3 client the engine reads result files with (the Athena client belongs to the container).</summary>
    public void Dispose() => _owned?.Dispose();

    /// <inheritdoc />
    protected override async Task<T> ExecuteAsync<T>(string runId, QueryCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var query = command.Query;
        var (sql, parameters) = AthenaSql.Render(command, Settings.InlineValues);
        try
        {
            await _catalog.EnsureAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AthenaQueryFailure or AthenaQueryTimeoutException or AwsServiceException)
        {
            LogCatalogFailed(_logger, e);
            throw new QueryFailedException(query.Name, runId, $"Athena could not set up the tables of database {Settings.Database}: {Plain(e)}", Retryable(e), e);
        }

        try
        {
            var execution = await _runner.ExecuteAsync(sql, parameters, inDatabase: true, reuse: true, e => Record(runId, e), cancellationToken).ConfigureAwait(false);
            var (columns, rows) = await ReadRowsAsync(execution, cancellationToken).ConfigureAwait(false);
            using var reader = new AthenaRows(columns, rows);
            try
            {
                return read(reader);
            }
            catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException or IndexOutOfRangeException)
            {
                throw new InvalidDataException($"Athena's answer to the {query.Name} query of run '{runId}' is not what the catalog expects: {e.Message}", e);
            }
        }
        catch (Exception e) when (e is AthenaQueryFailure or AthenaQueryTimeoutException or AwsServiceException or Amazon.Runtime.AmazonServiceException
            or ObjectNotFoundException or HttpRequestException || (e is TimeoutException && !cancellationToken.IsCancellationRequested))
        {
            LogQueryFailed(_logger, query.Name, runId, e);
            throw new QueryFailedException(query.Name, runId, $"The {query.Name} query of run '{runId}' failed in Athena: {Plain(e)}", Retryable(e), e);
        }
    }

    private void Record(string runId, QueryExecution execution)
    {
        var reused = execution.Statistics?.ResultReuseInformation?.ReusedPreviousResult == true;
        var bytes = execution.Statistics?.DataScannedInBytes ?? 0;
        _usage.Record(runId, bytes, reused, failed: execution.Status?.State == AthenaQueryState.Failed);
        LogFinished(_logger, execution.QueryExecutionId, runId, execution.Status?.State, bytes, reused);
    }

    /// <summary>Page 1 when it holds the whole result; else the result CSV (one GET); else, with no file to read (managed results), every page.</summary>
    private async Task<(IReadOnlyList<ColumnInfo> Columns, IReadOnlyList<IReadOnlyList<string?>> Rows)> ReadRowsAsync(QueryExecution execution, CancellationToken cancellationToken)
    {
        var id = execution.QueryExecutionId ?? throw new InvalidDataException("Athena returned a finished query without its id.");
        var page = await _runner.Client.GetQueryResultsAsync(
            new GetQueryResultsRequest { QueryExecutionId = id, MaxResults = AthenaClient.MaxPageSize }, cancellationToken).ConfigureAwait(false);
        var columns = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
        if (string.IsNullOrEmpty(page.NextToken))
        {
            var rows = page.ResultSet?.Rows ?? [];
            var skip = AthenaClient.IsHeaderRow(rows, columns, execution.StatementType ?? AthenaStatementType.Dml) ? 1 : 0;
            return (columns, [.. rows.Skip(skip).Select(r => (IReadOnlyList<string?>)[.. (r.Data ?? []).Select(d => d.VarCharValue)])]);
        }

        if (execution.ResultConfiguration?.OutputLocation is { Length: > 0 } location && execution.ManagedQueryResultsConfiguration?.Enabled != true)
        {
            var file = await _results.OpenAsync(location, cancellationToken).ConfigureAwait(false);
            await using (file.ConfigureAwait(false))
            {
                return (columns, await AthenaCsv.ReadAsync(file, cancellationToken).ConfigureAwait(false));
            }
        }

        var all = await _runner.Client.GetAllQueryResultsAsync(id, execution.StatementType ?? AthenaStatementType.Dml, cancellationToken: cancellationToken).ConfigureAwait(false);
        return (all.Columns, all.Rows);
    }

    private static bool Retryable(Exception e) => e switch
    {
        AthenaQueryFailure failure => failure.Retryable,
        AthenaQueryTimeoutException => true,
        AwsServiceException aws => aws.IsTransient,
        Amazon.Runtime.AmazonServiceException s3 => (int)s3.StatusCode >= 500,
        ObjectNotFoundException or HttpRequestException or TimeoutException => true,
        _ => false,
    };

    /// <summary>Athena's words for the page: its error message (never an S3 path or a stack trace).</summary>
    private static string Plain(Exception e)
    {
        var text = e switch
        {
            AthenaQueryFailure { Execution.Status: var status } when status?.State == AthenaQueryState.Cancelled => Cancelled(status.AthenaError?.ErrorMessage ?? status.StateChangeReason),
            AthenaQueryFailure { Execution.Status: var status } => status?.AthenaError?.ErrorMessage ?? status?.StateChangeReason ?? "Athena gave no reason.",
            AthenaQueryTimeoutException timeout => timeout.Message,
            AwsServiceException aws => string.IsNullOrEmpty(aws.ServiceMessage) ? aws.ErrorCode : $"{aws.ErrorCode}: {aws.ServiceMessage}",
            Amazon.Runtime.AmazonServiceException s3 => $"its result file could not be read from S3 ({s3.ErrorCode ?? s3.StatusCode.ToString()})",
            ObjectNotFoundException => "its result file is missing from S3",
            HttpRequestException => "Athena or S3 could not be reached",
            _ => e.Message,
        };
        text = S3Uri().Replace(text, "(an S3 location)").Trim();
        return text.EndsWith('.') ? text : text + ".";
    }

    /// <summary>Why Athena cancelled a query OneOff did not stop: the workgroup's bytes-scanned cutoff says so, with the fix.</summary>
    private static string Cancelled(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return "the query was cancelled in Athena.";
        }

        var text = "the query was cancelled in Athena: " + reason.Trim().TrimEnd('.') + ".";
        return reason.Contains("data usage limit", StringComparison.OrdinalIgnoreCase) || reason.Contains("BytesScannedCutoffPerQuery", StringComparison.Ordinal)
            ? text + " The workgroup's limit per query is below what this run's results need: raise it (deploy/oneoff.yaml parameter AthenaBytesScannedCutoff)."
            : text;
    }

    [GeneratedRegex(@"s3a?n?://[^\s'""]*", RegexOptions.CultureInvariant)]
    private static partial Regex S3Uri();

    [LoggerMessage(EventId = 2321, Level = LogLevel.Debug, Message = "Athena query {QueryExecutionId} of run {RunId} ended {State}: {Bytes} bytes scanned, reused {Reused}")]
    private static partial void LogFinished(ILogger logger, string? queryExecutionId, string runId, string? state, long bytes, bool reused);

    [LoggerMessage(EventId = 2322, Level = LogLevel.Warning, Message = "Athena query {Query} of run {RunId} failed")]
    private static partial void LogQueryFailed(ILogger logger, string query, string runId, Exception exception);

    [LoggerMessage(EventId = 2323, Level = LogLevel.Error, Message = "Athena tables could not be created or checked")]
    private static partial void LogCatalogFailed(ILogger logger, Exception exception);
}
