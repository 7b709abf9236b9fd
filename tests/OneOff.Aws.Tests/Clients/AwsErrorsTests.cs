using System.Net;
using System.Text;
using OneOff.Aws.Clients;

namespace OneOff.Aws.Tests.Clients;

public sealed class AwsErrorsTests
{
    [Theory]
    [InlineData("FooError", "FooError")]
    [InlineData("FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/", "FooError")]
    [InlineData("aws.protocoltests.restjson#FooError", "FooError")]
    [InlineData("aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/", "FooError")]
    [InlineData("FooError,BarError", "FooError")]
    [InlineData(" ThrottlingException ", "ThrottlingException")]
    public void Clean_AnyFormOfTheId_GivesTheShapeName(string raw, string expected)
    {
        Assert.Equal(expected, AwsErrorCodes.Clean(raw));
    }

    [Fact]
    public void ReadError_TypeWinsOverCodeAndHeader_KeepsOtherMembersAndRequestId()
    {
        using var response = Reply(HttpStatusCode.BadRequest, ("x-amzn-RequestId", "rid-1"), ("X-Amzn-Errortype", "HeaderError"));

        var error = AwsJsonProtocol.ReadError("athena", response, """{"__type":"ns#InvalidRequestException","code":"CodeError","Message":"bad","AthenaErrorCode":"MALFORMED_QUERY","Count":3,"Nested":{"a":1}}"""u8);

        var invalid = Assert.IsType<AwsInvalidRequestException>(error);
        Assert.Equal("InvalidRequestException", invalid.ErrorCode);
        Assert.Equal("bad", invalid.ServiceMessage);
        Assert.Equal("rid-1", invalid.RequestId);
        Assert.Equal("MALFORMED_QUERY", invalid.Details["AthenaErrorCode"]);
        Assert.Equal("3", invalid.Details["Count"]);
        Assert.False(invalid.Details.ContainsKey("Nested"));
        Assert.Contains("rid-1", invalid.Message, StringComparison.Ordinal);
        Assert.Contains("athena", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadError_OnlyHeader_UsesTheHeader()
    {
        using var response = Reply(HttpStatusCode.BadRequest, ("X-Amzn-Errortype", "InternalServerError:http://internal.amazon.com/coral/com.amazonaws.emr/"));

        var error = AwsJsonProtocol.ReadError("emr", response, "{}"u8);

        Assert.IsType<AwsInternalServerException>(error);
        Assert.Equal("InternalServerError", error.ErrorCode);
    }

    [Fact]
    public void ReadError_NotJson5xx_IsAnUnknownServerError()
    {
        using var response = Reply(HttpStatusCode.BadGateway);

        var error = AwsJsonProtocol.ReadError("emr", response, "<html>502</html>"u8);

        Assert.IsType<AwsInternalServerException>(error);
        Assert.Equal("UnknownError", error.ErrorCode);
        Assert.True(error.IsTransient);
    }

    [Theory]
    [InlineData("TooManyRequestsException", typeof(AwsThrottlingException))]
    [InlineData("SlowDown", typeof(AwsThrottlingException))]
    [InlineData("ResourceNotFoundException", typeof(AwsResourceNotFoundException))]
    [InlineData("MetadataException", typeof(AwsResourceNotFoundException))]
    [InlineData("UnrecognizedClientException", typeof(AwsAccessDeniedException))]
    [InlineData("SomethingNew", typeof(AwsServiceException))]
    public void Create_ErrorCode_PicksTheKind(string code, Type expected)
    {
        Assert.IsType(expected, AwsServiceException.Create("athena", code, "m", HttpStatusCode.BadRequest, null));
    }

    private static HttpResponseMessage Reply(HttpStatusCode status, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes("")) };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }
}
