namespace OneOff.Core.Storage;

/// <summary>Checks object keys and prefixes before a store touches anything.</summary>
public static class ObjectKeys
{
    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="key"/> is a relative, '/'-separated key without empty, "." or ".." segments.</summary>
    public static void Validate(string key, bool allowEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0)
        {
            if (allowEmpty)
            {
                return;
            }

            throw new ArgumentException("An object key cannot be empty.", nameof(key));
        }

        if (key[0] == '/' || key.Contains('\\', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Object key '{key}' must be relative and use '/' separators.", nameof(key));
        }

        var trimmed = key.EndsWith('/') ? key[..^1] : key;
        foreach (var segment in trimmed.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                throw new ArgumentException($"Object key '{key}' has an empty, '.' or '..' segment.", nameof(key));
            }
        }
    }
}
