using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace OneOff.Aws.Storage;

/// <summary>Where Aws mode keeps runs, artifacts, logs and query results: <c>s3://{Bucket}/{Prefix}/</c> (<c>OneOff:Aws:*</c>).</summary>
public sealed class AwsStorageOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "OneOff:Aws";

    /// <summary><c>OneOff:Aws:Bucket</c>: the deployment's bucket (required in Aws mode; the CloudFormation stack's output).</summary>
    public string? Bucket { get; set; }

    /// <summary><c>OneOff:Aws:Prefix</c>: the key prefix of everything OneOff writes (default <c>oneoff</c>).</summary>
    public string Prefix { get; set; } = "oneoff";

    /// <summary>The store's root.</summary>
    /// <exception cref="InvalidOperationException">No bucket is configured.</exception>
    public S3Root Root => new(
        string.IsNullOrWhiteSpace(Bucket) ? throw new InvalidOperationException("OneOff:Aws:Bucket is not set.") : Bucket.Trim(),
        Prefix.Trim('/').Length == 0 ? "" : Prefix.Trim('/') + "/");
}

/// <summary>Checks <see cref="AwsStorageOptions"/>; each message names the configuration key and the fix.</summary>
public sealed partial class AwsStorageOptionsValidator : IValidateOptions<AwsStorageOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AwsStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Bucket))
        {
            failures.Add("OneOff:Aws:Bucket is not set: set it to the deployment's bucket (the stack output BucketName, see deploy/README.md).");
        }
        else if (!BucketPattern().IsMatch(options.Bucket.Trim()) || options.Bucket.Contains("..", StringComparison.Ordinal))
        {
            failures.Add($"OneOff:Aws:Bucket must be an S3 bucket name: 3 to 63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit (got '{options.Bucket}').");
        }

        if (options.Prefix is null || !PrefixPattern().IsMatch(options.Prefix.Trim('/')))
        {
            failures.Add($"OneOff:Aws:Prefix must be up to 200 characters of A-Z, a-z, 0-9, '.', '_', '-' and '/' without empty segments (got '{options.Prefix}'); leave it unset for 'oneoff'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketPattern();

    [GeneratedRegex("^([A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*)?$")]
    private static partial Regex PrefixPattern();
}
