using System.Text.Json;
using OneOff.Aws.Clients.Athena;
using OneOff.Aws.Clients.Athena.Models;
using OneOff.Aws.Clients.Emr;
using OneOff.Aws.Clients.Emr.Models;

namespace OneOff.Aws.Tests.Clients;

/// <summary>The serializer settings in isolation (the conformance tests check them against the JavaScript SDK).</summary>
public sealed class WireFormatTests
{
    [Theory]
    [InlineData("1565649050.175", 1565649050175)]
    [InlineData("1565649056.6229999", 1565649056623)]
    [InlineData("1704164645", 1704164645000)]
    [InlineData("1.704164645123E9", 1704164645123)]
    public void Timestamps_EpochSeconds_ReadToTheMillisecond(string json, long expectedMs)
    {
        var status = JsonSerializer.Deserialize($$"""{"SubmissionDateTime":{{json}}}""", AthenaJsonContext.Wire.GetQueryExecutionResponse.Options.GetTypeInfo(typeof(QueryExecutionStatus))) as QueryExecutionStatus;

        Assert.Equal(expectedMs, status!.SubmissionDateTime!.Value.ToUnixTimeMilliseconds());
    }

    [Fact]
    public void Timestamps_Written_AsEpochSecondsWithoutTrailingZeros()
    {
        var request = new ListClustersRequest
        {
            CreatedAfter = DateTimeOffset.FromUnixTimeMilliseconds(1704164645100),
            CreatedBefore = DateTimeOffset.FromUnixTimeMilliseconds(1704164646000),
        };

        Assert.Equal("""{"CreatedAfter":1704164645.1,"CreatedBefore":1704164646}""", JsonSerializer.Serialize(request, EmrJsonContext.Wire.ListClustersRequest));
    }

    [Fact]
    public void Serialize_EmptyRequest_IsEmptyObjectWithoutNulls()
    {
        Assert.Equal("{}", JsonSerializer.Serialize(new ListClustersRequest(), EmrJsonContext.Wire.ListClustersRequest));
    }

    [Fact]
    public void Serialize_Strings_EscapedAsJsonStringify()
    {
        var json = JsonSerializer.Serialize(new GetQueryExecutionRequest { QueryExecutionId = "é<>&'+\"\\\n\u0001\u2028😀" }, AthenaJsonContext.Wire.GetQueryExecutionRequest);

        Assert.Equal("{\"QueryExecutionId\":\"é<>&'+\\\"\\\\\\n\\u0001\u2028😀\"}", json);
    }

    [Fact]
    public void Deserialize_UnknownMembers_AreIgnored()
    {
        var response = JsonSerializer.Deserialize("""{"JobFlowId":"j-1","FutureMember":{"x":[1]}}""", EmrJsonContext.Wire.RunJobFlowResponse);

        Assert.Equal("j-1", response!.JobFlowId);
    }
}
