using Microsoft.Extensions.Logging;
using OneOff.Aws.Clients;
using OneOff.Aws.Clients.Athena;
using OneOff.Aws.Clients.Athena.Models;

namespace OneOff.Aws.Query;

/// <summary>What the runner needs to know, resolved once from <see cref="AthenaOptions"/> and the deployment.</summary>
/// <param name="Database">The Glue database of the tables.</param>
/// <param name="WorkGroup">The workgroup.</param>
/// <param name="OutputLocation">Where results go unless the workgroup enforces its own ('/'-terminated).</param>
/// <param name="ResultReuseMinutes">0 turns reuse off.</param>
/// <param name="QueryTimeout">A query not finished by then is stopped.</param>
/// <param name="InlineValues">Write run ids and sizes as literals.</param>
internal sealed record AthenaSettings(string Database, string WorkGroup, string OutputLocation, int ResultReuseMinutes, TimeSpan QueryTimeout, bool InlineValues)
{
    /// <summary>The data catalog the database lives in.</summary>
    public const string Catalog = "AwsDataCatalog";

    /// <summary>The first wait between two <c>GetQueryExecution</c> calls; later waits grow by half up to <see cref="MaxPollDelay"/>.</summary>
    public TimeSpan FirstPollDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between two polls.</summary>
    public TimeSpan MaxPollDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The first wait after Athena says a query failed retryably, or throttles it; later waits double.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many times a query Athena marks retryable is run in all.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Builds the settings from the options.</summary>
    public static AthenaSettings From(AthenaOptions options, string deploymentId, Storage.S3Root root) => new(
        options.DatabaseFor(deploymentId), options.WorkGroupFor(deploymentId), options.OutputLocationFor(root), options.ResultReuseMinutes,
        TimeSpan.FromSeconds(options.QueryTimeoutSeconds), options.InlineValues);
}

/// <summary>A query Athena ran and did not finish: FAILED (with its <see cref="AthenaError"/>) or CANCELLED by someone else.</summary>
internal sealed class AthenaQueryFailure(QueryExecution execution)
    : Exception($"Athena query {execution.QueryExecutionId} ended {execution.Status?.State}: {execution.Status?.AthenaError?.ErrorMessage ?? execution.Status?.StateChangeReason}")
{
    public QueryExecution Execution { get; } = execution;

    public bool Retryable => Execution.Status?.AthenaError?.Retryable == true;
}

/// <summary>A query that did not finish within <see cref="AthenaSettings.QueryTimeout"/> (it was stopped).</summary>
internal sealed class AthenaQueryTimeoutException(string? queryExecutionId, TimeSpan timeout)
    : TimeoutException($"Athena query {queryExecutionId ?? "(not started)"} did not finish within {timeout.TotalSeconds:0} s and was stopped.");

/// <summary>
/// Runs one statement in Athena to its end: <c>StartQueryExecution</c> (ExecutionParameters, result reuse, and the
/// result location only when the workgroup does not enforce its own — read once with <c>GetWorkGroup</c>), then
/// <c>GetQueryExecution</c> with growing waits until a final state. A query Athena marks <c>Retryable</c> runs
/// again (a new query, a new token); <c>TooManyRequestsException</c> on start (left after the protocol's own
/// retries) is waited out; other errors are not retried. On timeout, or when the caller cancels, the query is
/// stopped (<c>StopQueryExecution</c>).
/// </summary>
internal sealed partial class AthenaQueryRunner(AthenaClient client, AthenaSettings settings, TimeProvider time, ILogger logger)
{
    private readonly SemaphoreSlim _workGroupLock = new(1, 1);
    private WorkGroupConfiguration? _workGroup;

    public AthenaSettings Settings => settings;

    public AthenaClient Client => client;

    /// <summary>
    /// Runs <paramref name="sql"/> and returns its final, SUCCEEDED execution; <paramref name="finished"/> sees every
    /// execution that reached a final state (for the bytes it scanned), the failed ones too.
    /// </summary>
    /// <exception cref="AthenaQueryFailure">FAILED (after the retries a retryable failure gets) or CANCELLED.</exception>
    /// <exception cref="AthenaQueryTimeoutException">Not finished in time.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled (the query was stopped).</exception>
    /// <exception cref="AwsServiceException">Athena refused a call.</exception>
    public async Task<QueryExecution> ExecuteAsync(
        string sql, IReadOnlyList<string> parameters, bool inDatabase, bool reuse, Action<QueryExecution>? finished, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + settings.QueryTimeout;
        var retryDelay = settings.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            var id = await StartAsync(sql, parameters, inDatabase, reuse, deadline, cancellationToken).ConfigureAwait(false);
            var execution = await WaitAsync(id, deadline, cancellationToken).ConfigureAwait(false);
            finished?.Invoke(execution);
            if (execution.Status?.State == AthenaQueryState.Succeeded)
            {
                return execution;
            }

            var failure = new AthenaQueryFailure(execution);
            if (!failure.Retryable || attempt >= settings.MaxAttempts || time.GetUtcNow() + retryDelay >= deadline)
            {
                throw failure;
            }

            LogRetrying(logger, id, attempt, execution.Status?.AthenaError?.ErrorMessage);
            await Task.Delay(retryDelay, time, cancellationToken).ConfigureAwait(false);
            retryDelay *= 2;
        }
    }

    /// <summary>The workgroup's settings, read once (a failed read is tried again next time).</summary>
    public async Task<WorkGroupConfiguration?> WorkGroupAsync(CancellationToken cancellationToken)
    {
        if (_workGroup is { } known)
        {
            return known;
        }

        await _workGroupLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_workGroup is null)
            {
                var response = await client.GetWorkGroupAsync(new GetWorkGroupRequest { WorkGroup = settings.WorkGroup }, cancellationToken).ConfigureAwait(false);
                _workGroup = response.WorkGroup?.Configuration ?? new WorkGroupConfiguration();
            }

            return _workGroup;
        }
        finally
        {
            _workGroupLock.Release();
        }
    }

    private async Task<string> StartAsync(
        string sql, IReadOnlyList<string> parameters, bool inDatabase, bool reuse, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var workGroup = await WorkGroupAsync(cancellationToken).ConfigureAwait(false);
        // An enforcing workgroup overrides a client's result configuration, and an override turns result reuse off
        // (Athena UG "Reusing query results"); a workgroup with managed results cannot take an OutputLocation at all.
        var ownLocation = workGroup?.EnforceWorkGroupConfiguration != true && workGroup?.ManagedQueryResultsConfiguration?.Enabled != true;
        var request = new StartQueryExecutionRequest
        {
            QueryString = sql,
            QueryExecutionContext = inDatabase ? new QueryExecutionContext { Database = settings.Database, Catalog = AthenaSettings.Catalog } : null,
            ResultConfiguration = ownLocation ? new ResultConfiguration { OutputLocation = settings.OutputLocation } : null,
            WorkGroup = settings.WorkGroup,
            ExecutionParameters = parameters,
            ResultReuseConfiguration = reuse && settings.ResultReuseMinutes > 0
                ? new ResultReuseConfiguration { ResultReuseByAgeConfiguration = new ResultReuseByAgeConfiguration { Enabled = true, MaxAgeInMinutes = settings.ResultReuseMinutes } }
                : null,
        };
        var throttleDelay = settings.RetryDelay;
        while (true)
        {
            try
            {
                var started = await client.StartQueryExecutionAsync(request, cancellationToken).ConfigureAwait(false);
                return started.QueryExecutionId is { Length: > 0 } id
                    ? id
                    : throw new AwsServiceException("athena", "SerializationException", "StartQueryExecution returned no QueryExecutionId.", System.Net.HttpStatusCode.OK, null);
            }
            catch (AwsThrottlingException e) when (time.GetUtcNow() + throttleDelay < deadline)
            {
                // Running plus queued queries are over the account's quota (CONCURRENT_QUERY_LIMIT_EXCEEDED, Athena UG
                // "Service Quotas"): the protocol's quick retries did not outlast it, so wait longer, up to the timeout.
                LogThrottled(logger, e.ErrorCode, throttleDelay.TotalMilliseconds);
                await Task.Delay(throttleDelay, time, cancellationToken).ConfigureAwait(false);
                throttleDelay = TimeSpan.FromTicks(Math.Min(throttleDelay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
            catch (AwsThrottlingException)
            {
                throw new AthenaQueryTimeoutException(null, settings.QueryTimeout);
            }
        }
    }

    private async Task<QueryExecution> WaitAsync(string id, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var delay = settings.FirstPollDelay;
        try
        {
            while (true)
            {
                var response = await client.GetQueryExecutionAsync(new GetQueryExecutionRequest { QueryExecutionId = id }, cancellationToken).ConfigureAwait(false);
                var execution = response.QueryExecution ?? new QueryExecution { QueryExecutionId = id };
                if (AthenaQueryState.IsFinal(execution.Status?.State))
                {
                    return execution;
                }

                var left = deadline - time.GetUtcNow();
                if (left <= TimeSpan.Zero)
                {
                    await StopAsync(id).ConfigureAwait(false);
                    throw new AthenaQueryTimeoutException(id, settings.QueryTimeout);
                }

                await Task.Delay(delay < left ? delay : left, time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 3 / 2, settings.MaxPollDelay.Ticks));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The last waiter is gone: a query nobody reads would still scan (and bill) to its end.
            await StopAsync(id).ConfigureAwait(false);
            throw;
        }
    }

    private async Task StopAsync(string id)
    {
        try
        {
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(10), time);
            await client.StopQueryExecutionAsync(new StopQueryExecutionRequest { QueryExecutionId = id }, bounded.Token).ConfigureAwait(false);
            LogStopped(logger, id);
        }
        catch (Exception e) when (e is AwsServiceException or HttpRequestException or TimeoutException or OperationCanceledException)
        {
            LogStopFailed(logger, id, e.Message);
        }
    }

    [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "Athena query {QueryExecutionId} failed retryably (attempt {Attempt}): {Error}; running it again")]
    private static partial void LogRetrying(ILogger logger, string queryExecutionId, int attempt, string? error);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Warning, Message = "Athena throttled StartQueryExecution ({ErrorCode}); trying again in {Milliseconds} ms")]
    private static partial void LogThrottled(ILogger logger, string errorCode, double milliseconds);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Information, Message = "Stopped Athena query {QueryExecutionId}")]
    private static partial void LogStopped(ILogger logger, string queryExecutionId);

    [LoggerMessage(EventId = 2304, Level = LogLevel.Warning, Message = "Could not stop Athena query {QueryExecutionId}: {Error}")]
    private static partial void LogStopFailed(ILogger logger, string queryExecutionId, string error);
}
