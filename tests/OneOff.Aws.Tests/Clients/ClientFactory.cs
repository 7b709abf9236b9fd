using Amazon.Runtime;
using OneOff.Aws.Clients;
using OneOff.Aws.Clients.Athena;
using OneOff.Aws.Clients.Emr;

namespace OneOff.Aws.Tests.Clients;

/// <summary>OneOff's clients pointed at a loopback server (via <c>AWS_ENDPOINT_URL</c>) with fixed credentials.</summary>
internal static class ClientFactory
{
    public static AwsClientSetup Setup(Uri endpoint, AWSCredentials? credentials = null, DateTime? signedAt = null) =>
        new(credentials ?? new BasicAWSCredentials("AKIDEXAMPLE", "secret"), signedAt, Environment: name => name == "AWS_ENDPOINT_URL" ? endpoint.ToString() : null);

    public static AwsClientOptions Options(int retries = 3, int attemptTimeoutMs = 30_000) => new()
    {
        Region = "us-east-1",
        MaxRetryAttempts = retries,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        AttemptTimeout = TimeSpan.FromMilliseconds(attemptTimeoutMs),
    };

    public static AthenaClient Athena(Uri endpoint, AwsClientOptions? options = null, AWSCredentials? credentials = null) =>
        new(options ?? Options(), Setup(endpoint, credentials));

    public static EmrClient Emr(Uri endpoint, AwsClientOptions? options = null, AWSCredentials? credentials = null) =>
        new(options ?? Options(), Setup(endpoint, credentials));
}
