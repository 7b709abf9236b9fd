using OneOff.Aws.Storage;

namespace OneOff.Aws.Tests.Storage;

public sealed class AwsStorageOptionsValidatorTests
{
    [Theory]
    [InlineData(null, "OneOff:Aws:Bucket is not set")]
    [InlineData("  ", "OneOff:Aws:Bucket is not set")]
    [InlineData("Upper", "OneOff:Aws:Bucket must be an S3 bucket name")]
    [InlineData("ab", "OneOff:Aws:Bucket must be an S3 bucket name")]
    [InlineData("a..b", "OneOff:Aws:Bucket must be an S3 bucket name")]
    public void Validate_BadBucket_NamesTheKey(string? bucket, string message)
    {
        var result = new AwsStorageOptionsValidator().Validate(null, new AwsStorageOptions { Bucket = bucket });

        Assert.StartsWith(message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a//b")]
    [InlineData("with space")]
    public void Validate_BadPrefix_NamesTheKey(string prefix)
    {
        var result = new AwsStorageOptionsValidator().Validate(null, new AwsStorageOptions { Bucket = "oneoff-data", Prefix = prefix });

        Assert.StartsWith("OneOff:Aws:Prefix must be", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("oneoff", "s3://oneoff-data/oneoff")]
    [InlineData("/team/runs/", "s3://oneoff-data/team/runs")]
    [InlineData("", "s3://oneoff-data")]
    public void Root_GoodOptions_IsTheBucketAndPrefix(string prefix, string root)
    {
        var options = new AwsStorageOptions { Bucket = "oneoff-data", Prefix = prefix };

        Assert.True(new AwsStorageOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(root, options.Root.ToString());
    }
}
