using OneOff.Aws.Clients.Athena.Models;

namespace OneOff.Aws.Clients.Athena;

/// <summary>
/// A thin Amazon Athena client over AWS JSON 1.1 (the operations OneOff needs), indistinguishable on the wire
/// from the official SDKs. Credentials come from the AWS default chain; the region from
/// <see cref="AwsClientOptions.Region"/> or <c>AWS_REGION</c>; the endpoint from <c>AWS_ENDPOINT_URL_ATHENA</c>
/// or <c>AWS_ENDPOINT_URL</c> when set. Throttling, 5xx and timeouts are retried with jittered backoff.
/// Errors are thrown as <see cref="AwsServiceException"/> and its subtypes.
/// </summary>
internal sealed class AthenaClient : IDisposable
{
    /// <summary>The most rows <c>GetQueryResults</c> returns per page.</summary>
    public const int MaxPageSize = 1000;

    private readonly AwsJsonProtocol _protocol;
    private readonly AthenaJsonContext _json = AthenaJsonContext.Wire;

    /// <summary>Creates a client.</summary>
    /// <exception cref="InvalidOperationException">No usable region, or a malformed endpoint variable.</exception>
    public AthenaClient(AwsClientOptions options)
        : this(options, null)
    {
    }

    internal AthenaClient(AwsClientOptions options, AwsClientSetup? setup) =>
        _protocol = new AwsJsonProtocol(AwsServiceInfo.Athena, options, setup);

    /// <summary>The region calls are signed for.</summary>
    public string Region => _protocol.Region;

    /// <summary>The endpoint calls go to.</summary>
    public Uri Endpoint => _protocol.Endpoint;

    /// <summary>
    /// Starts a query. A null <see cref="StartQueryExecutionRequest.ClientRequestToken"/> gets a fresh one (retries
    /// reuse it). An empty <see cref="StartQueryExecutionRequest.ExecutionParameters"/> list is left out: the service
    /// model requires at least one item when the member is present.
    /// </summary>
    public Task<StartQueryExecutionResponse> StartQueryExecutionAsync(StartQueryExecutionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sent = request with
        {
            ClientRequestToken = request.ClientRequestToken ?? Guid.NewGuid().ToString(),
            ExecutionParameters = request.ExecutionParameters is { Count: 0 } ? null : request.ExecutionParameters,
        };
        return _protocol.SendAsync("StartQueryExecution", sent, _json.StartQueryExecutionRequest, _json.StartQueryExecutionResponse, cancellationToken);
    }

    /// <summary>Reads a query's state, statistics and result location.</summary>
    public Task<GetQueryExecutionResponse> GetQueryExecutionAsync(GetQueryExecutionRequest request, CancellationToken cancellationToken = default) =>
        _protocol.SendAsync("GetQueryExecution", request, _json.GetQueryExecutionRequest, _json.GetQueryExecutionResponse, cancellationToken);

    /// <summary>Reads one page of a query's results, as the service returns it (header row included).</summary>
    public Task<GetQueryResultsResponse> GetQueryResultsAsync(GetQueryResultsRequest request, CancellationToken cancellationToken = default) =>
        _protocol.SendAsync("GetQueryResults", request, _json.GetQueryResultsRequest, _json.GetQueryResultsResponse, cancellationToken);

    /// <summary>Stops a running query.</summary>
    public Task<StopQueryExecutionResponse> StopQueryExecutionAsync(StopQueryExecutionRequest request, CancellationToken cancellationToken = default) =>
        _protocol.SendAsync("StopQueryExecution", request, _json.StopQueryExecutionRequest, _json.StopQueryExecutionResponse, cancellationToken);

    /// <summary>Reads a workgroup's state and settings (free: it scans nothing, so <c>/healthz</c> may call it).</summary>
    public Task<GetWorkGroupResponse> GetWorkGroupAsync(GetWorkGroupRequest request, CancellationToken cancellationToken = default) =>
        _protocol.SendAsync("GetWorkGroup", request, _json.GetWorkGroupRequest, _json.GetWorkGroupResponse, cancellationToken);

    /// <summary>
    /// Reads every page of a finished query's results. On the first page of a <c>DML</c> statement, row 0 is
    /// dropped when it equals the column names (Athena's undocumented header row); DDL and UTILITY results
    /// have none. A cell without a value is SQL NULL (<c>null</c>).
    /// </summary>
    /// <param name="queryExecutionId">The query.</param>
    /// <param name="statementType">Its <see cref="QueryExecution.StatementType"/>.</param>
    /// <param name="pageSize">Rows per call, 1–1000.</param>
    /// <param name="cancellationToken">Stops between pages.</param>
    public async Task<AthenaQueryResults> GetAllQueryResultsAsync(string queryExecutionId, string? statementType, int pageSize = MaxPageSize, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queryExecutionId);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        var rows = new List<IReadOnlyList<string?>>();
        IReadOnlyList<ColumnInfo> columns = [];
        long? updateCount = null;
        string? token = null;
        var first = true;
        do
        {
            var page = await GetQueryResultsAsync(new GetQueryResultsRequest { QueryExecutionId = queryExecutionId, NextToken = token, MaxResults = pageSize }, cancellationToken).ConfigureAwait(false);
            if (first)
            {
                columns = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
                updateCount = page.UpdateCount;
            }

            var pageRows = page.ResultSet?.Rows ?? [];
            var skip = first && IsHeaderRow(pageRows, columns, statementType) ? 1 : 0;
            foreach (var row in pageRows.Skip(skip))
            {
                rows.Add((row.Data ?? []).Select(d => d.VarCharValue).ToArray());
            }

            first = false;
            token = page.NextToken;
        }
        while (!string.IsNullOrEmpty(token));

        return new AthenaQueryResults(columns, rows, updateCount);
    }

    /// <inheritdoc />
    public void Dispose() => _protocol.Dispose();

    /// <summary>
    /// PyAthena's rule: on the first page of a DML result, row 0 is the header when every cell equals its column's name.
    /// </summary>
    internal static bool IsHeaderRow(IReadOnlyList<Row> rows, IReadOnlyList<ColumnInfo> columns, string? statementType)
    {
        if (statementType != AthenaStatementType.Dml || rows.Count == 0 || columns.Count == 0)
        {
            return false;
        }

        var data = rows[0].Data ?? [];
        return data.Count == columns.Count && data.Select((d, i) => d.VarCharValue == columns[i].Name).All(same => same);
    }
}

/// <summary>Every row of a query's results.</summary>
/// <param name="Columns">Column metadata.</param>
/// <param name="Rows">Data rows (the header row removed), one string per cell, null for SQL NULL.</param>
/// <param name="UpdateCount">Rows changed by INSERT/CTAS, if any.</param>
internal sealed record AthenaQueryResults(IReadOnlyList<ColumnInfo> Columns, IReadOnlyList<IReadOnlyList<string?>> Rows, long? UpdateCount);
