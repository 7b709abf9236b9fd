using OneOff.Aws.Storage;

namespace OneOff.Aws.Tests.Storage;

public sealed class S3RootTests
{
    [Theory]
    [InlineData("s3://bucket", "bucket", "")]
    [InlineData("s3://bucket/", "bucket", "")]
    [InlineData("s3://my.bucket-1/oneoff", "my.bucket-1", "oneoff/")]
    [InlineData("s3://bucket/a/b/", "bucket", "a/b/")]
    [InlineData("S3://bucket/a", "bucket", "a/")]
    public void Parse_ValidUri_SplitsBucketAndPrefix(string uri, string bucket, string prefix)
    {
        var location = S3Root.Parse(uri);

        Assert.Equal(new S3Root(bucket, prefix), location);
    }

    [Theory]
    [InlineData("s3://", "no bucket name")]
    [InlineData("s3:///prefix", "no bucket name")]
    [InlineData("s3://Bucket/x", "not a valid S3 bucket name")]
    [InlineData("s3://ab/x", "not a valid S3 bucket name")]
    [InlineData("s3://bucket_name/x", "not a valid S3 bucket name")]
    [InlineData("s3://-bucket/x", "not a valid S3 bucket name")]
    [InlineData("s3://bu..cket/x", "not a valid S3 bucket name")]
    [InlineData("s3://bucket/a//b", "empty, '.' or '..' segment")]
    [InlineData("s3://bucket/a/../b", "empty, '.' or '..' segment")]
    [InlineData("s3://bucket/a?versionId=1", "query or fragment")]
    [InlineData("https://bucket/a", "not an S3 URI")]
    public void Parse_BadUri_ThrowsNamingTheProblemAndTheForm(string uri, string problem)
    {
        var error = Assert.Throws<ArgumentException>(() => S3Root.Parse(uri));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Contains("s3://", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_RoundTripsTheRoot()
    {
        Assert.Equal("s3://bucket/a/b", S3Root.Parse("s3://bucket/a/b/").ToString());
        Assert.Equal("s3://bucket", S3Root.Parse("s3://bucket").ToString());
    }

    [Fact]
    public void ObjectStoresOpen_BadS3Uri_ThrowsArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() => ObjectStores.Open("s3://UPPER/x"));

        Assert.Contains("UPPER", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ObjectStoresOpen_S3Uri_OpensAnS3Store()
    {
        using var store = (S3ObjectStore)ObjectStores.Open("s3://bucket/runs", new OneOff.Aws.Clients.AwsClientOptions { Region = "eu-west-1" });

        Assert.Equal("s3://bucket/runs", store.Root);
        Assert.Equal(new S3Root("bucket", "runs/"), store.Location);
    }

    [Fact]
    public void CreateConfig_EndpointOverride_UsesPathStyleAndTheEndpoint()
    {
        var config = S3ObjectStore.CreateConfig("eu-west-2", name => name == "AWS_ENDPOINT_URL" ? "http://127.0.0.1:4566" : null);

        Assert.True(config.ForcePathStyle);
        Assert.Equal("http://127.0.0.1:4566/", config.ServiceURL);
        Assert.Equal("eu-west-2", config.AuthenticationRegion);
    }

    [Fact]
    public void CreateConfig_NoOverride_KeepsVirtualHostedStyleInTheRegion()
    {
        var config = S3ObjectStore.CreateConfig("eu-west-2", _ => null);

        Assert.False(config.ForcePathStyle);
        Assert.Null(config.ServiceURL);
        Assert.Equal("eu-west-2", config.RegionEndpoint.SystemName);
    }
}
