using Microsoft.Extensions.Options;

namespace OneOff.Dashboard.Results;

/// <summary>Checks the results cache's budget; each message names the configuration key and what to set.</summary>
internal sealed class ValidateResultsCacheOptions : IValidateOptions<ResultsCacheOptions>
{
    private const long MinimumBytes = 1L << 20;

    public ValidateOptionsResult Validate(string? name, ResultsCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var section = ResultsCacheOptions.SectionName;
        if (options.MaximumPayloadBytes is < MinimumBytes or > int.MaxValue)
        {
            failures.Add($"{section}:MaximumPayloadBytes is {options.MaximumPayloadBytes}: set it to between {MinimumBytes} (1 MiB) and {int.MaxValue} bytes.");
        }

        if (options.MemoryBudgetBytes < MinimumBytes)
        {
            failures.Add($"{section}:MemoryBudgetBytes is {options.MemoryBudgetBytes}: set it to at least {MinimumBytes} bytes (1 MiB).");
        }
        else if (options.MemoryBudgetBytes < options.MaximumPayloadBytes)
        {
            failures.Add($"{section}:MemoryBudgetBytes ({options.MemoryBudgetBytes}) is below {section}:MaximumPayloadBytes ({options.MaximumPayloadBytes}): the budget must hold the largest result; raise it or lower the payload limit.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
