using System.Text.Json;
using System.Text.Json.Serialization;

namespace OneOff.Aws.Clients;

/// <summary>The serializer settings every JSON 1.1 client uses: what the official SDKs send.</summary>
internal static class AwsJson
{
    /// <summary>
    /// Property names exactly as declared (the service model's names), absent members omitted (never <c>null</c>),
    /// timestamps as epoch seconds, strings escaped as <c>JSON.stringify</c> does.
    /// </summary>
    public static JsonSerializerOptions CreateOptions() => new()
    {
        Encoder = JsonStringifyEncoder.Instance,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new EpochSecondsConverter() },
    };
}
