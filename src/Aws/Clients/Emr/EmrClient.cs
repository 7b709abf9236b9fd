using OneOff.Aws.Clients.Emr.Models;

namespace OneOff.Aws.Clients.Emr;

/// <summary>
/// A thin Amazon EMR client over AWS JSON 1.1 (the operations OneOff needs), indistinguishable on the wire from
/// the official SDKs. Credentials come from the AWS default chain; the region from
/// <see cref="AwsClientOptions.Region"/> or <c>AWS_REGION</c>; the endpoint from <c>AWS_ENDPOINT_URL_EMR</c> or
/// <c>AWS_ENDPOINT_URL</c> when set. Throttling, 5xx and timeouts are retried with jittered backoff.
/// Errors are thrown as <see cref="AwsServiceException"/> and its subtypes.
/// </summary>
internal sealed class EmrClient : IDisposable
{
    private readonly AwsJsonProtocol _protocol;
    private readonly EmrJsonContext _json = EmrJsonContext.Wire;

    /// <summary>Creates a client.</summary>
    /// <exception cref="InvalidOperationException">No usable region, or a malformed endpoint variable.</exception>
    public EmrClient(AwsClientOptions options)
        : this(options, null)
    {
    }

    internal EmrClient(AwsClientOptions options, AwsClientSetup? setup) =>
        _protocol = new AwsJsonProtocol(AwsServiceInfo.Emr, options, setup);

    /// <summary>The region calls are signed for.</summary>
    public string Region => _protocol.Region;

    /// <summary>The endpoint calls go to.</summary>
    public Uri Endpoint => _protocol.Endpoint;

    /// <summary>
    /// Starts a cluster. Not idempotent, so it is retried only when EMR certainly did not act (throttled, or no
    /// connection); after a timeout or 5xx the cluster may exist: find it by its tags.
    /// </summary>
    public Task<RunJobFlowResponse> RunJobFlowAsync(RunJobFlowRequest request, CancellationToken cancellationToken = default) =>
        _protocol.SendAsync("RunJobFlow", request, _json.RunJobFlowRequest, _json.RunJobFlowResponse, cancellationToken, idempotent: false);

    /// <summary>Describes a cluster (state, reason, timeline).</summary>
    public Task<DescribeClusterResponse> DescribeClusterAsync(DescribeClusterRequest request, CancellationToken cancellationToken = default) =>
        _protocol.SendAsync("DescribeCluster", request, _json.DescribeClusterRequest, _json.DescribeClusterResponse, cancellationToken);

    /// <summary>One page of a cluster's steps (newest first).</summary>
    public Task<ListStepsResponse> ListStepsAsync(ListStepsRequest request, CancellationToken cancellationToken = default) =>
        _protocol.SendAsync("ListSteps", request, _json.ListStepsRequest, _json.ListStepsResponse, cancellationToken);

    /// <summary>Every step of a cluster matching the request's filters, across all pages.</summary>
    public IAsyncEnumerable<StepSummary> ListAllStepsAsync(ListStepsRequest request, CancellationToken cancellationToken = default) =>
        AwsPaging.AllAsync(request, ListStepsAsync, r => r.Steps, r => r.Marker, (q, marker) => q with { Marker = marker }, cancellationToken);

    /// <summary>Describes one step (state, failure details with the log file).</summary>
    public Task<DescribeStepResponse> DescribeStepAsync(DescribeStepRequest request, CancellationToken cancellationToken = default) =>
        _protocol.SendAsync("DescribeStep", request, _json.DescribeStepRequest, _json.DescribeStepResponse, cancellationToken);

    /// <summary>Adds steps to a running cluster. Not idempotent: retried only when EMR certainly did not act.</summary>
    public Task<AddJobFlowStepsResponse> AddJobFlowStepsAsync(AddJobFlowStepsRequest request, CancellationToken cancellationToken = default) =>
        _protocol.SendAsync("AddJobFlowSteps", request, _json.AddJobFlowStepsRequest, _json.AddJobFlowStepsResponse, cancellationToken, idempotent: false);

    /// <summary>Asks clusters to terminate (asynchronous: read the state back with <see cref="DescribeClusterAsync"/>).</summary>
    public Task<TerminateJobFlowsResponse> TerminateJobFlowsAsync(TerminateJobFlowsRequest request, CancellationToken cancellationToken = default) =>
        _protocol.SendAsync("TerminateJobFlows", request, _json.TerminateJobFlowsRequest, _json.TerminateJobFlowsResponse, cancellationToken);

    /// <summary>One page of clusters.</summary>
    public Task<ListClustersResponse> ListClustersAsync(ListClustersRequest request, CancellationToken cancellationToken = default) =>
        _protocol.SendAsync("ListClusters", request, _json.ListClustersRequest, _json.ListClustersResponse, cancellationToken);

    /// <summary>Every cluster matching the request's filters (e.g. <see cref="EmrClusterState.Active"/>), across all pages.</summary>
    public IAsyncEnumerable<ClusterSummary> ListAllClustersAsync(ListClustersRequest request, CancellationToken cancellationToken = default) =>
        AwsPaging.AllAsync(request, ListClustersAsync, r => r.Clusters, r => r.Marker, (q, marker) => q with { Marker = marker }, cancellationToken);

    /// <summary>One page of a cluster's instances.</summary>
    public Task<ListInstancesResponse> ListInstancesAsync(ListInstancesRequest request, CancellationToken cancellationToken = default) =>
        _protocol.SendAsync("ListInstances", request, _json.ListInstancesRequest, _json.ListInstancesResponse, cancellationToken);

    /// <summary>Every instance of a cluster matching the request's filters, across all pages (types and timelines: the cost).</summary>
    public IAsyncEnumerable<Instance> ListAllInstancesAsync(ListInstancesRequest request, CancellationToken cancellationToken = default) =>
        AwsPaging.AllAsync(request, ListInstancesAsync, r => r.Instances, r => r.Marker, (q, marker) => q with { Marker = marker }, cancellationToken);

    /// <summary>One page of a cluster's bootstrap actions, in the order they run (action n logs under <c>bootstrap-actions/{n}/</c>).</summary>
    public Task<ListBootstrapActionsResponse> ListBootstrapActionsAsync(ListBootstrapActionsRequest request, CancellationToken cancellationToken = default) =>
        _protocol.SendAsync("ListBootstrapActions", request, _json.ListBootstrapActionsRequest, _json.ListBootstrapActionsResponse, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _protocol.Dispose();
}
