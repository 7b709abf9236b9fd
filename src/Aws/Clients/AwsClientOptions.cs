namespace OneOff.Aws.Clients;

/// <summary>
/// How OneOff's AWS clients reach AWS. Credentials are not here on purpose: they come from the AWS default
/// chain only (environment, profile, container or instance role). Endpoints follow the AWS SDKs' own
/// environment variables (<c>AWS_ENDPOINT_URL</c>, <c>AWS_ENDPOINT_URL_ATHENA</c>, <c>AWS_ENDPOINT_URL_EMR</c>,
/// <c>AWS_ENDPOINT_URL_S3</c>).
/// </summary>
public sealed class AwsClientOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "OneOff:Aws";

    /// <summary>The AWS region (<c>OneOff:Aws:Region</c>); when unset, <c>AWS_REGION</c> (then <c>AWS_DEFAULT_REGION</c>).</summary>
    public string? Region { get; set; }

    /// <summary>Retries after the first attempt on throttling, 5xx and timeouts (default 3; 0 turns retries off).</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The median first retry delay; later delays grow exponentially, with jitter (default 200 ms).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long one attempt may take before it is abandoned and retried (default 30 s).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
