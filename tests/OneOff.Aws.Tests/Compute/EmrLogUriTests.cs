using OneOff.Aws.Compute;
using OneOff.Aws.Storage;

namespace OneOff.Aws.Tests.Compute;

public sealed class EmrLogUriTests
{
    [Theory]
    [InlineData("s3n://bucket/oneoff/logs/", "s3://bucket/oneoff/logs/")]
    [InlineData("s3n://bucket/oneoff/logs", "s3://bucket/oneoff/logs/")]
    [InlineData("S3A://bucket/logs/", "s3://bucket/logs/")]
    [InlineData("s3://bucket/logs/", "s3://bucket/logs/")]
    [InlineData("  s3://bucket  ", "s3://bucket/")]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Normalize(string? uri, string? expected)
    {
        Assert.Equal(expected, EmrLogUri.Normalize(uri));
    }

    [Fact]
    public void StepStderr_NoLogFileNamed_IsUnderTheClusterAndStep()
    {
        Assert.Equal("s3://b/oneoff/logs/j-1ABC/steps/s-2DEF/stderr.gz", EmrLogUri.StepStderr("s3n://b/oneoff/logs/", "j-1ABC", "s-2DEF"));
    }

    [Theory]
    [InlineData("s3n://b/logs/j-1/steps/s-2/stderr.gz", "s3://b/logs/j-1/steps/s-2/stderr.gz")]
    [InlineData("s3://b/logs/j-1/steps/s-2/", "s3://b/logs/j-1/steps/s-2/stderr.gz")]
    public void StepStderr_FailureDetailsLogFile_IsUsed(string logFile, string expected)
    {
        Assert.Equal(expected, EmrLogUri.StepStderr("s3://elsewhere/", "j-1", "s-2", logFile));
    }

    [Fact]
    public void BootstrapStderr_IsUnderTheNodeAndActionNumber()
    {
        Assert.Equal("s3://b/logs/j-1/node/i-0a1b/bootstrap-actions/1/stderr.gz", EmrLogUri.BootstrapStderr("s3n://b/logs", "j-1", "i-0a1b"));
        Assert.Equal("s3://b/logs/j-1/node/i-0a1b/bootstrap-actions/2/stderr.gz", EmrLogUri.BootstrapStderr("s3://b/logs/", "j-1", "i-0a1b", 2));
    }

    [Fact]
    public void StepStderr_NoLogUri_SaysSo()
    {
        var error = Assert.Throws<ArgumentException>(() => EmrLogUri.StepStderr(null, "j-1", "s-1"));

        Assert.StartsWith("The cluster has no log URI", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s3://b/oneoff/logs/j-1/steps/s-1/stderr.gz", "logs/j-1/steps/s-1/stderr.gz")]
    [InlineData("s3n://b/oneoff/logs/x", "logs/x")]
    [InlineData("s3://b/other/logs/x", null)]
    [InlineData("s3://c/oneoff/logs/x", null)]
    [InlineData("s3://b/oneoff", null)]
    public void KeyUnder_TheStoreRoot(string uri, string? key)
    {
        Assert.Equal(key, EmrLogUri.KeyUnder(new S3Root("b", "oneoff/"), uri));
    }
}
