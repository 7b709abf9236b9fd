using System.Globalization;
using OneOff.Aws.Storage;

namespace OneOff.Aws.Compute;

/// <summary>
/// Where EMR puts a cluster's logs (ARCHITECTURE.md, "The EMR path" items 4 and 5): under the cluster's
/// <c>LogUri</c>, <c>{LogUri}{clusterId}/steps/{stepId}/stderr.gz</c> for a step and
/// <c>{LogUri}{clusterId}/node/{ec2InstanceId}/bootstrap-actions/{n}/stderr.gz</c> for bootstrap action n (1-based)
/// on one node (EMR Management Guide, "View log files"). EMR archives logs to S3 every few minutes (the same guide,
/// "Configure cluster logging"), so they arrive after the failure.
/// </summary>
public static class EmrLogUri
{
    /// <summary>
    /// <c>s3n://</c> and <c>s3a://</c> (which <c>DescribeCluster</c> may return: the Hadoop connector's names for the
    /// same bucket) become <c>s3://</c>; a folder gets its trailing '/'. Null or blank stays null.
    /// </summary>
    public static string? Normalize(string? uri)
    {
        if (string.IsNullOrWhiteSpace(uri))
        {
            return null;
        }

        var text = uri.Trim();
        foreach (var scheme in new[] { "s3n://", "s3a://" })
        {
            if (text.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                text = "s3://" + text[scheme.Length..];
            }
        }

        return text.EndsWith('/') ? text : text + "/";
    }

    /// <summary>The <c>stderr.gz</c> of a step: <paramref name="failureLogFile"/> (<c>DescribeStep</c> <c>FailureDetails.LogFile</c>) when EMR named one, else <c>{LogUri}{clusterId}/steps/{stepId}/stderr.gz</c>.</summary>
    /// <param name="logUri">The cluster's log URI (any of the forms <see cref="Normalize"/> accepts).</param>
    /// <param name="clusterId">The cluster (<c>j-…</c>).</param>
    /// <param name="stepId">The step (<c>s-…</c>).</param>
    /// <param name="failureLogFile">The step's <c>FailureDetails.LogFile</c>, or null.</param>
    /// <exception cref="ArgumentException">No log file is named and the log URI or an id is missing.</exception>
    public static string StepStderr(string? logUri, string clusterId, string stepId, string? failureLogFile = null)
    {
        if (!string.IsNullOrWhiteSpace(failureLogFile))
        {
            var file = failureLogFile.Trim();
            foreach (var scheme in new[] { "s3n://", "s3a://" })
            {
                if (file.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
                {
                    file = "s3://" + file[scheme.Length..];
                }
            }

            // A folder (EMR sometimes names the step's log folder): its stderr.gz.
            return file.EndsWith('/') ? file + "stderr.gz" : file;
        }

        return $"{Folder(logUri)}{Id(clusterId, nameof(clusterId))}/steps/{Id(stepId, nameof(stepId))}/stderr.gz";
    }

    /// <summary>The <c>stderr.gz</c> of bootstrap action <paramref name="action"/> (1-based, in <c>ListBootstrapActions</c> order) on one node.</summary>
    /// <param name="logUri">The cluster's log URI.</param>
    /// <param name="clusterId">The cluster (<c>j-…</c>).</param>
    /// <param name="ec2InstanceId">The node's EC2 instance id (<c>i-…</c>; <c>ListInstances</c> <c>Ec2InstanceId</c>).</param>
    /// <param name="action">The action's number, from 1.</param>
    /// <exception cref="ArgumentException">The log URI or an id is missing.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="action"/> is below 1.</exception>
    public static string BootstrapStderr(string? logUri, string clusterId, string ec2InstanceId, int action = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(action, 1);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Folder(logUri)}{Id(clusterId, nameof(clusterId))}/node/{Id(ec2InstanceId, nameof(ec2InstanceId))}/bootstrap-actions/{action}/stderr.gz");
    }

    /// <summary>
    /// The object key of <paramref name="s3Uri"/> inside the store rooted at <paramref name="root"/> (what
    /// <c>IObjectStore</c> reads), or null when the object lies outside it (another bucket or prefix).
    /// </summary>
    public static string? KeyUnder(S3Root root, string s3Uri)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(s3Uri);
        var normalized = (Normalize(s3Uri) ?? "").TrimEnd('/');
        var prefix = $"s3://{root.Bucket}/{root.Prefix}";
        return normalized.StartsWith(prefix, StringComparison.Ordinal) && normalized.Length > prefix.Length ? normalized[prefix.Length..] : null;
    }

    private static string Folder(string? logUri) =>
        Normalize(logUri) ?? throw new ArgumentException("The cluster has no log URI, so its logs cannot be found.", nameof(logUri));

    private static string Id(string id, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id, name);
        return id.Trim();
    }
}
