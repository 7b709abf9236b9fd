using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace OneOff.Core.Configuration;

/// <summary>
/// What names this deployment (<c>OneOff:DeploymentId</c>): the tag on everything it creates in AWS, so that two
/// deployments sharing an account never touch each other's clusters. Read by the dashboard and the AWS adapters.
/// </summary>
public sealed class DeploymentOptions
{
    /// <summary>The configuration section these options bind to (the top-level <c>OneOff</c> section).</summary>
    public const string SectionName = "OneOff";

    /// <summary><c>OneOff:DeploymentId</c>: 1–32 characters of [a-z0-9-], starting with a letter or digit (default <c>default</c>).</summary>
    public string DeploymentId { get; set; } = "default";
}

/// <summary>Checks <see cref="DeploymentOptions"/>; the message names the configuration key and the fix.</summary>
public sealed partial class DeploymentOptionsValidator : IValidateOptions<DeploymentOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DeploymentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return DeploymentIdPattern().IsMatch(options.DeploymentId ?? "")
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"OneOff:DeploymentId must be 1 to 32 characters of a-z, 0-9 and '-' (got '{options.DeploymentId}').");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$")]
    private static partial Regex DeploymentIdPattern();
}
