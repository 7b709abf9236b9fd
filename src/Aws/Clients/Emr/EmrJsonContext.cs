using System.Text.Json.Serialization;

namespace OneOff.Aws.Clients.Emr;

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
internal sealed partial class EmrJsonContext : JsonSerializerContext
{
    public static EmrJsonContext Wire { get; } = new(AwsJson.CreateOptions());
}
