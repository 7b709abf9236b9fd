using OneOff.Aws.Clients.Emr.Models;
using OneOff.Aws.Compute;

namespace OneOff.Aws.Tests.Compute;

public sealed class EmrFailureWordsTests
{
    private static ErrorDetail Error(string code, params (string Key, string Value)[] data) => new()
    {
        ErrorCode = code,
        ErrorData = [data.ToDictionary(d => d.Key, d => d.Value)],
        ErrorMessage = "ignored: AWS says not to parse it",
    };

    private static ClusterStateChangeReason Reason(string code, string? message = null) => new() { Code = code, Message = message };

    [Fact]
    public void Describe_CapacityErrorWithData_NamesTheTypeAndZoneFromTheData()
    {
        var words = EmrFailureWords.Describe(
            Reason("VALIDATION_ERROR", "The requested instance type is not available"),
            [Error("INTERNAL_ERROR_EC2_INSUFFICIENT_CAPACITY_AZ", ("instance-type", "m7g.xlarge"), ("availability-zone", "us-east-1a"), ("public-doc", "https://docs.aws.amazon.com/…"))],
            instanceType: "c7g.large", availabilityZone: "us-east-1f");

        Assert.Equal("no EC2 capacity for m7g.xlarge in us-east-1a; try again later or pick another instance type or subnet (EMR INTERNAL_ERROR_EC2_INSUFFICIENT_CAPACITY_AZ, VALIDATION_ERROR)", words);
    }

    [Fact]
    public void Describe_CapacityErrorWithoutData_UsesTheGivenTypeAndZone()
    {
        var words = EmrFailureWords.Describe(null, [new ErrorDetail { ErrorCode = "INTERNAL_ERROR_EC2_INSUFFICIENT_CAPACITY_AZ" }], "m7g.xlarge", "eu-west-1b");

        Assert.StartsWith("no EC2 capacity for m7g.xlarge in eu-west-1b;", words, StringComparison.Ordinal);
        Assert.EndsWith("(EMR INTERNAL_ERROR_EC2_INSUFFICIENT_CAPACITY_AZ)", words, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_BootstrapNonZero_SaysPrimaryNodeAndExitCode()
    {
        var words = EmrFailureWords.Describe(
            Reason("BOOTSTRAP_FAILURE", "On the master instance (i-0123), bootstrap action 1 returned a non-zero return code"),
            [Error("BOOTSTRAP_FAILURE_PRIMARY_WITH_NON_ZERO_CODE", ("primary-instance-id", "i-0123"), ("bootstrap-action", "1"), ("return-code", "3"))]);

        Assert.Equal("bootstrap failed on the primary node: the install script exited with code 3 (EMR BOOTSTRAP_FAILURE_PRIMARY_WITH_NON_ZERO_CODE, BOOTSTRAP_FAILURE)", words);
    }

    [Theory]
    [InlineData("BOOTSTRAP_FAILURE_FILE_NOT_FOUND_PRIMARY", "the install script is not in S3")]
    [InlineData("BOOTSTRAP_FAILURE_BA_DOWNLOAD_FAILED_PRIMARY", "could not download the install script")]
    [InlineData("BOOTSTRAP_FAILURE_INSUFFICIENT_DISK_SPACE_WORKER", "bootstrap failed on a worker node: it ran out of disk space")]
    [InlineData("BOOTSTRAP_FAILURE_SOMETHING_NEW_PRIMARY", "bootstrap failed on the primary node")]
    [InlineData("VALIDATION_ERROR_SUBNET_NOT_FROM_ONE_VPC", "OneOff:Aws:Emr:SubnetId")]
    [InlineData("VALIDATION_ERROR_INSTANCE_TYPE_NOT_SUPPORTED", "m7g.xlarge is not offered")]
    [InlineData("INTERNAL_ERROR_SPOT_NO_CAPACITY_PRIMARY", "no spot capacity for m7g.xlarge")]
    [InlineData("SOME_FUTURE_CODE", "EMR ended the cluster with an error")]
    public void Describe_ErrorDetailCodes_InPlainWordsWithTheRawCode(string code, string words)
    {
        var text = EmrFailureWords.Describe(null, [new ErrorDetail { ErrorCode = code }], "m7g.xlarge");

        Assert.Contains(words, text, StringComparison.Ordinal);
        Assert.EndsWith($"(EMR {code})", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_StepFailure_NamesTheStepAndKeepsEmrsMessage()
    {
        var words = EmrFailureWords.Describe(Reason("STEP_FAILURE", "Shut down as step failed"), [], failedStep: "train");

        Assert.Equal("step train failed (EMR STEP_FAILURE: Shut down as step failed)", words);
    }

    [Theory]
    [InlineData("STEP_FAILURE", "a step failed (EMR STEP_FAILURE)")]
    [InlineData("BOOTSTRAP_FAILURE", "bootstrap failed: the job could not be installed on a node (EMR BOOTSTRAP_FAILURE)")]
    [InlineData("INSTANCE_FAILURE", "an instance of the cluster failed (EMR INSTANCE_FAILURE)")]
    [InlineData("INSTANCE_FLEET_TIMEOUT", "EMR could not provision the instances in time (EMR INSTANCE_FLEET_TIMEOUT)")]
    [InlineData("INTERNAL_ERROR", "EMR failed internally (EMR INTERNAL_ERROR)")]
    [InlineData("VALIDATION_ERROR", "EMR refused the cluster's settings (EMR VALIDATION_ERROR)")]
    [InlineData("USER_REQUEST", "the cluster was terminated on request (EMR USER_REQUEST)")]
    public void Describe_ReasonCodeAlone(string code, string expected)
    {
        Assert.Equal(expected, EmrFailureWords.Describe(Reason(code), null));
    }

    [Fact]
    public void Describe_Nothing_StillOneLine()
    {
        Assert.Equal("the cluster ended with an error (EMR no reason code)", EmrFailureWords.Describe(null, null));
    }

    [Fact]
    public void StartTimedOut_NamesTheLimitAndTheKey()
    {
        var words = EmrFailureWords.StartTimedOut(30, "provisioning", "m7g.xlarge");

        Assert.StartsWith("the cluster was not running after 30 minutes (still provisioning; EC2 may have no capacity for m7g.xlarge)", words, StringComparison.Ordinal);
        Assert.Contains("OneOff:Aws:Emr:StartTimeoutMinutes", words, StringComparison.Ordinal);
    }
}
