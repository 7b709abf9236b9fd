using System.Text.Json.Serialization;

namespace OneOff.Aws.Clients.Athena;

[JsonSerializable(typeof(StartQueryExecutionRequest))]
[JsonSerializable(typeof(StartQueryExecutionResponse))]
[JsonSerializable(typeof(GetQueryExecutionRequest))]
[JsonSerializable(typeof(GetQueryExecutionResponse))]
[JsonSerializable(typeof(GetQueryResultsRequest))]
[JsonSerializable(typeof(GetQueryResultsResponse))]
[JsonSerializable(typeof(StopQueryExecutionRequest))]
[JsonSerializable(typeof(StopQueryExecutionResponse))]
internal sealed partial class AthenaJsonContext : JsonSerializerContext
{
    public static AthenaJsonContext Wire { get; } = new(AwsJson.CreateOptions());
}
