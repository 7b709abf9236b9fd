using System.Reflection;
using Microsoft.Extensions.Options;

namespace OneOff.Aws.Compute;

/// <summary>
/// Aws mode's start-up check of the job bundle (ARCHITECTURE.md, "The EMR path" item 1): without the bundle in
/// <c>OneOff:Aws:Emr:BundleFolder</c> (default: <c>bundle/</c> beside the app) no run could start, so the app stops at
/// start with one line naming the folder and the command that builds it, not at the first click of Run job.
/// </summary>
public sealed class JobBundleValidator : IValidateOptions<EmrJobRunnerOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, EmrJobRunnerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var folder = Path.GetFullPath(options.EffectiveBundleFolder);
        return JobBundle.FindProblem(folder) is { } problem
            ? ValidateOptionsResult.Fail($"{problem} {Advice(string.IsNullOrWhiteSpace(options.BundleFolder))}")
            : ValidateOptionsResult.Success;
    }

    /// <summary>
    /// What the operator types: the build of this app's own configuration when the bundle is the default one beside
    /// it (a <c>dotnet run</c> in Debug finds it only in the Debug output), or the key when it was set.
    /// </summary>
    private static string Advice(bool defaultFolder)
    {
        if (!defaultFolder)
        {
            return "Or point OneOff:Aws:Emr:BundleFolder at a folder that has it (a published app's bundle/).";
        }

        var configuration = Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration;
        return string.IsNullOrEmpty(configuration) || string.Equals(configuration, "Release", StringComparison.OrdinalIgnoreCase)
            ? "Or set OneOff:Aws:Emr:BundleFolder to a folder that has it."
            : $"This app is a {configuration} build: `dotnet build src/Dashboard -c {configuration} -t:OneOffBundle` puts the bundle beside it.";
    }
}
