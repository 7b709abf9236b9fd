namespace OneOff.Aws.Clients;

/// <summary>Error-code rules shared by the JSON 1.1 clients and their retry policy.</summary>
internal static class AwsErrorCodes
{
    // botocore retries/standard.py and @smithy/core/retry THROTTLING_ERROR_CODES: the same list.
    private static readonly HashSet<string> s_throttling = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    };

    private static readonly HashSet<string> s_transient = new(StringComparer.Ordinal)
    {
        "RequestTimeout", "RequestTimeoutException",
    };

    public static bool IsThrottling(string code) => s_throttling.Contains(code);

    public static bool IsTransient(string code) => s_throttling.Contains(code) || s_transient.Contains(code);

    /// <summary>
    /// Cleans an error id as the Smithy awsJson protocols (and the JavaScript SDK's <c>sanitizeErrorCode</c>) do:
    /// keep what is before the first ',', then before the first ':', then after the '#'.
    /// </summary>
    public static string Clean(string raw)
    {
        var code = raw.Trim();
        foreach (var separator in (ReadOnlySpan<char>)[',', ':'])
        {
            var at = code.IndexOf(separator, StringComparison.Ordinal);
            if (at >= 0)
            {
                code = code[..at];
            }
        }

        var hash = code.IndexOf('#', StringComparison.Ordinal);
        return hash >= 0 ? code[(hash + 1)..] : code;
    }
}
