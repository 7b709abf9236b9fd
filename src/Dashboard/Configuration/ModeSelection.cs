namespace OneOff.Dashboard.Configuration;

/// <summary>
/// <c>OneOff:Mode</c> as the composition root reads it, once, to pick the adapters; <see cref="Problem"/> is the
/// start-up message when the value is not a mode (the app then stops before it serves anything).
/// </summary>
public sealed record ModeSelection(OneOffMode Mode, string? Problem)
{
    /// <summary>The mode of <paramref name="configuration"/>: unset means <see cref="OneOffMode.Local"/>; case does not matter; a blank or unknown value is a <see cref="Problem"/>.</summary>
    public static ModeSelection Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var raw = configuration[$"{OneOffOptions.SectionName}:Mode"];
        if (raw is null)
        {
            return new(OneOffMode.Local, null);
        }

        var text = raw.Trim();
        if (text.Length == 0)
        {
            return new(OneOffMode.Local, "OneOff:Mode is empty: set it to Local or Aws, or remove it for Local.");
        }

        return Enum.TryParse<OneOffMode>(text, ignoreCase: true, out var mode) && Enum.IsDefined(mode) && !char.IsAsciiDigit(text[0])
            ? new(mode, null)
            : new(OneOffMode.Local, $"OneOff:Mode must be Local or Aws (got '{text}').");
    }
}
