using Microsoft.Extensions.Options;
using OneOff.Dashboard.Authentication;

namespace OneOff.Dashboard.Configuration;

/// <summary>Checks <see cref="OneOffOptions"/>; every message names the configuration key and the fix.</summary>
/// <param name="mode">How the composition root read <c>OneOff:Mode</c>.</param>
public sealed class OneOffOptionsValidator(ModeSelection mode) : IValidateOptions<OneOffOptions>
{
    /// <summary>A validator for a configuration whose mode was read as Local without a problem.</summary>
    public OneOffOptionsValidator()
        : this(new ModeSelection(OneOffMode.Local, null))
    {
    }

    public ValidateOptionsResult Validate(string? name, OneOffOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (mode.Problem is { } problem)
        {
            failures.Add(problem);
        }

        if (string.IsNullOrWhiteSpace(options.DataRoot))
        {
            failures.Add("OneOff:DataRoot must be a folder path (got an empty value); leave it unset for ./data.");
        }
        else if (options.DataRoot.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"OneOff:DataRoot must be a folder path (got '{options.DataRoot}').");
        }
        else if (File.Exists(options.DataRootPath))
        {
            failures.Add($"OneOff:DataRoot must be a folder, but '{options.DataRootPath}' is a file.");
        }
        else if (WritableProblem(options.DataRootPath) is { } notWritable)
        {
            failures.Add(notWritable);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// Why the app could not create or write its data root, or null: the folder (or, when it does not exist yet,
    /// its nearest existing parent) must accept a new file. Nothing is left behind.
    /// </summary>
    private static string? WritableProblem(string path)
    {
        var existing = path;
        while (!Directory.Exists(existing))
        {
            var parent = Path.GetDirectoryName(existing);
            if (parent is null || File.Exists(parent))
            {
                return $"OneOff:DataRoot '{path}' cannot be created: its parent is not a folder. Choose a folder the app's user can write.";
            }

            existing = parent;
        }

        try
        {
            using (File.Create(Path.Combine(existing, $".oneoff-write-test-{Environment.ProcessId}"), 1, FileOptions.DeleteOnClose))
            {
            }

            return null;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return existing == path
                ? $"OneOff:DataRoot '{path}' is not writable by this user; choose a folder the app's user can write, or fix its permissions."
                : $"OneOff:DataRoot '{path}' cannot be created: '{existing}' is not writable by this user. Choose a folder the app's user can write.";
        }
    }
}

/// <summary>Checks <see cref="RunsOptions"/>.</summary>
public sealed class RunsOptionsValidator : IValidateOptions<RunsOptions>
{
    public const int MaxConcurrentLimit = 64;

    public ValidateOptionsResult Validate(string? name, RunsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxConcurrent is < 1 or > MaxConcurrentLimit)
        {
            failures.Add($"OneOff:Runs:MaxConcurrent must be from 1 to {MaxConcurrentLimit} (got {options.MaxConcurrent}).");
        }

        if (options.MaxWork < 0)
        {
            failures.Add($"OneOff:Runs:MaxWork must be 0 (no limit) or a positive number of work units (got {options.MaxWork}); leave it unset for the default.");
        }

        if (options.MaxQueued < 0)
        {
            failures.Add($"OneOff:Runs:MaxQueued must be 0 (no limit) or a positive number of runs (got {options.MaxQueued}); leave it unset for the default.");
        }

        if (options.MaxQueuedPerUser < 0)
        {
            failures.Add($"OneOff:Runs:MaxQueuedPerUser must be 0 (no limit) or a positive number of runs (got {options.MaxQueuedPerUser}); leave it unset for the default.");
        }

        if (options.DiskBudgetBytes < 0)
        {
            failures.Add($"OneOff:Runs:DiskBudgetBytes must be 0 (no limit) or a positive number of bytes (got {options.DiskBudgetBytes}); leave it unset for the default.");
        }

        if (options.AdoptionIntervalSeconds is < 0 or > RunsOptions.MaxAdoptionIntervalSeconds)
        {
            failures.Add($"OneOff:Runs:AdoptionIntervalSeconds must be 0 (look for runs published outside the dashboard only at start and on demand) or from 1 to {RunsOptions.MaxAdoptionIntervalSeconds} seconds (got {options.AdoptionIntervalSeconds}); leave it unset for 60.");
        }

        if (!string.IsNullOrWhiteSpace(options.JobPath) && !File.Exists(options.JobPath))
        {
            failures.Add($"OneOff:Runs:JobPath must name the built oneoff-job (.dll or executable), but '{options.JobPath}' does not exist.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// Checks <see cref="AdminOptions"/>: a user name as the Users page accepts, and a given password that meets the
/// password rules (the first admin's name included), so that a weak one stops the app at start rather than
/// failing when the admin is created.
/// </summary>
public sealed class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!UserNames.IsValid(options.UserName))
        {
            return ValidateOptionsResult.Fail($"OneOff:Admin:UserName must be {UserNames.Rule} (got '{options.UserName}'); leave it unset for admin.");
        }

        if (options.Password is null)
        {
            return ValidateOptionsResult.Success;
        }

        var problem = PasswordRules.Check(options.Password, options.UserName);
        return problem is null
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"OneOff:Admin:Password {problem} (leave it unset to have one generated).");
    }
}
