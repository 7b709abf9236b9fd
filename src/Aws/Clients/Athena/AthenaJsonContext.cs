using System.Text.Json.Serialization;
using OneOff.Aws.Clients.Athena.Models;

namespace OneOff.Aws.Clients.Athena;

/// <summary>
/// The Athena (API 2017-05-18) shapes OneOff sends and reads, in <see cref="Models"/>: members named and ordered as the
/// service model (and so the AWS SDK for JavaScript v3) has them, required members first, then the rest in model order.
/// Only the members OneOff uses or reads back are declared; unknown reply members are ignored.
/// </summary>
[JsonSerializable(typeof(StartQueryExecutionRequest))]
[JsonSerializable(typeof(StartQueryExecutionResponse))]
[JsonSerializable(typeof(GetQueryExecutionRequest))]
[JsonSerializable(typeof(GetQueryExecutionResponse))]
[JsonSerializable(typeof(GetQueryResultsRequest))]
[JsonSerializable(typeof(GetQueryResultsResponse))]
[JsonSerializable(typeof(StopQueryExecutionRequest))]
[JsonSerializable(typeof(StopQueryExecutionResponse))]
[JsonSerializable(typeof(GetWorkGroupRequest))]
[JsonSerializable(typeof(GetWorkGroupResponse))]
internal sealed partial class AthenaJsonContext : JsonSerializerContext
{
    public static AthenaJsonContext Wire { get; } = new(AwsJson.CreateOptions());
}
