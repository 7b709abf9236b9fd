using System.Text.Json.Serialization;
using OneOff.Aws.Clients.Emr.Models;

namespace OneOff.Aws.Clients.Emr;

/// <summary>
/// The EMR (API 2009-03-31) shapes OneOff sends and reads, in <see cref="Models"/>: members named and ordered as the
/// service model (and so the AWS SDK for JavaScript v3) has them, required members first, then the rest in model order.
/// Only the members OneOff uses or reads back are declared; unknown reply members are ignored.
/// </summary>
[JsonSerializable(typeof(RunJobFlowRequest))]
[JsonSerializable(typeof(RunJobFlowResponse))]
[JsonSerializable(typeof(DescribeClusterRequest))]
[JsonSerializable(typeof(DescribeClusterResponse))]
[JsonSerializable(typeof(ListStepsRequest))]
[JsonSerializable(typeof(ListStepsResponse))]
[JsonSerializable(typeof(DescribeStepRequest))]
[JsonSerializable(typeof(DescribeStepResponse))]
[JsonSerializable(typeof(AddJobFlowStepsRequest))]
[JsonSerializable(typeof(AddJobFlowStepsResponse))]
[JsonSerializable(typeof(TerminateJobFlowsRequest))]
[JsonSerializable(typeof(TerminateJobFlowsResponse))]
[JsonSerializable(typeof(ListClustersRequest))]
[JsonSerializable(typeof(ListClustersResponse))]
[JsonSerializable(typeof(ListInstancesRequest))]
[JsonSerializable(typeof(ListInstancesResponse))]
[JsonSerializable(typeof(ListBootstrapActionsRequest))]
[JsonSerializable(typeof(ListBootstrapActionsResponse))]
internal sealed partial class EmrJsonContext : JsonSerializerContext
{
    public static EmrJsonContext Wire { get; } = new(AwsJson.CreateOptions());
}
