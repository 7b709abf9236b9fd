using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using OneOff.Aws.Storage;

namespace OneOff.Aws.Query;

/// <summary>How Aws mode queries runs through Athena (<c>OneOff:Aws:Athena:*</c>).</summary>
public sealed class AthenaOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "OneOff:Aws:Athena";

    /// <summary>The most minutes Athena reuses a result for (7 days, its limit).</summary>
    public const int MaxResultReuseMinutes = 10080;

    /// <summary>
    /// <c>OneOff:Aws:Athena:Database</c>: the Glue database of the five tables; unset means <c>oneoff_{DeploymentId}</c>
    /// with '-' written '_' (Glue names are lowercase letters, digits and '_').
    /// </summary>
    public string? Database { get; set; }

    /// <summary><c>OneOff:Aws:Athena:WorkGroup</c>: the workgroup queries run in; unset means <c>oneoff-{DeploymentId}</c>, the one deploy/oneoff.yaml creates.</summary>
    public string? WorkGroup { get; set; }

    /// <summary>
    /// <c>OneOff:Aws:Athena:OutputLocation</c>: where query results go, an <c>s3://bucket/prefix/</c> URI; unset means
    /// <c>s3://{Bucket}/{Prefix}/athena-results/</c>. Ignored when the workgroup enforces its own.
    /// </summary>
    public string? OutputLocation { get; set; }

    /// <summary><c>OneOff:Aws:Athena:ResultReuseMinutes</c>: reuse an identical query's result up to this old (default 60; 0 turns reuse off; at most 10080).</summary>
    public int ResultReuseMinutes { get; set; } = 60;

    /// <summary><c>OneOff:Aws:Athena:QueryTimeoutSeconds</c>: a query not finished by then is stopped (default 300; 5 to 1800).</summary>
    public int QueryTimeoutSeconds { get; set; } = 300;

    /// <summary>
    /// <c>OneOff:Aws:Athena:InlineValues</c>: write the (validated) run id and sizes into the SQL as literals instead of
    /// <c>ExecutionParameters</c>, for an Athena that refuses a <c>?</c> for an injected partition column (default false).
    /// </summary>
    public bool InlineValues { get; set; }

    /// <summary>The list price of a terabyte scanned in USD (us-east-1, https://aws.amazon.com/athena/pricing/).</summary>
    public const decimal DefaultPricePerTerabyteScanned = 5m;

    /// <summary>
    /// <c>OneOff:Aws:Athena:PricePerTerabyteScanned</c>: the list price of a terabyte scanned in USD, for the run's cost
    /// figure (default 5, us-east-1; 0 to 1000).
    /// </summary>
    public decimal PricePerTerabyteScanned { get; set; } = DefaultPricePerTerabyteScanned;

    /// <summary>The database to use for <paramref name="deploymentId"/>.</summary>
    public string DatabaseFor(string deploymentId) =>
        string.IsNullOrWhiteSpace(Database) ? "oneoff_" + deploymentId.Replace('-', '_') : Database.Trim();

    /// <summary>The workgroup to use for <paramref name="deploymentId"/>.</summary>
    public string WorkGroupFor(string deploymentId) =>
        string.IsNullOrWhiteSpace(WorkGroup) ? "oneoff-" + deploymentId : WorkGroup.Trim();

    /// <summary>The result location to use under <paramref name="root"/> (always '/'-terminated).</summary>
    public string OutputLocationFor(S3Root root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var location = string.IsNullOrWhiteSpace(OutputLocation) ? $"s3://{root.Bucket}/{root.Prefix}athena-results/" : OutputLocation.Trim();
        return location.EndsWith('/') ? location : location + "/";
    }
}

/// <summary>Checks <see cref="AthenaOptions"/>; each message names the configuration key and the fix.</summary>
public sealed partial class AthenaOptionsValidator : IValidateOptions<AthenaOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AthenaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.Database) && !DatabasePattern().IsMatch(options.Database.Trim()))
        {
            failures.Add($"OneOff:Aws:Athena:Database must be 1 to 255 characters of a-z, 0-9 and '_' (a Glue database name; got '{options.Database}'); leave it unset for oneoff_{{DeploymentId}}.");
        }

        if (!string.IsNullOrWhiteSpace(options.WorkGroup) && !WorkGroupPattern().IsMatch(options.WorkGroup.Trim()))
        {
            failures.Add($"OneOff:Aws:Athena:WorkGroup must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' and '-' (got '{options.WorkGroup}'); set it to the stack output OneOffAwsAthenaWorkGroup, or leave it unset for oneoff-{{DeploymentId}}.");
        }

        if (!string.IsNullOrWhiteSpace(options.OutputLocation))
        {
            try
            {
                var root = S3Root.Parse(options.OutputLocation.Trim());
                if (root.Prefix.Split('/').Contains("runs", StringComparer.Ordinal))
                {
                    failures.Add($"OneOff:Aws:Athena:OutputLocation '{options.OutputLocation}' is inside a runs/ folder, where query results would mix with run outputs; leave it unset for s3://{{Bucket}}/{{Prefix}}/athena-results/.");
                }
            }
            catch (ArgumentException e)
            {
                failures.Add($"OneOff:Aws:Athena:OutputLocation must be an s3://bucket/prefix/ URI ({e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal)}); leave it unset for s3://{{Bucket}}/{{Prefix}}/athena-results/.");
            }
        }

        if (options.ResultReuseMinutes is < 0 or > AthenaOptions.MaxResultReuseMinutes)
        {
            failures.Add($"OneOff:Aws:Athena:ResultReuseMinutes is {options.ResultReuseMinutes}; use 0 (reuse off) to {AthenaOptions.MaxResultReuseMinutes} (7 days, Athena's limit).");
        }

        if (options.QueryTimeoutSeconds is < 5 or > 1800)
        {
            failures.Add($"OneOff:Aws:Athena:QueryTimeoutSeconds is {options.QueryTimeoutSeconds}; use 5 to 1800.");
        }

        if (options.PricePerTerabyteScanned is < 0 or > 1000)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"OneOff:Aws:Athena:PricePerTerabyteScanned is {options.PricePerTerabyteScanned}; use the list price of your region in USD (0 to 1000; us-east-1 is {AthenaOptions.DefaultPricePerTerabyteScanned})."));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[a-z0-9_]{1,255}$", RegexOptions.CultureInvariant)]
    private static partial Regex DatabasePattern();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex WorkGroupPattern();
}
