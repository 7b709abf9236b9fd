using Microsoft.AspNetCore.Identity;
using Zxcvbn.Matcher;

namespace OneOff.Dashboard.Authentication;

/// <summary>How strong a password is, as the meter shows it.</summary>
/// <param name="Score">zxcvbn's score: 0 (guessed at once) to 4 (centuries).</param>
/// <param name="Label">The score in a word.</param>
/// <param name="Problem">What is wrong ("must …", "is …"), or null when the password is accepted.</param>
/// <param name="Suggestions">What would make it stronger (empty when nothing needs saying).</param>
public sealed record PasswordStrength(int Score, string Label, string? Problem, IReadOnlyList<string> Suggestions)
{
    public bool Acceptable => Problem is null;
}

/// <summary>
/// The password rules of ASVS 4.0.3 level 1 (2.1.1, 2.1.2, 2.1.7, 2.1.9), in one place for every path that sets a
/// password (<see cref="PasswordPolicyValidator"/> for Identity, the pages, the admin password setting): 12 to 128
/// characters, any characters and no composition rules, not guessable (zxcvbn's dictionaries of common passwords,
/// words, names, keyboard patterns, sequences and dates), and not containing the user name.
/// </summary>
public static class PasswordRules
{
    public const int MinLength = 12;
    public const int MaxLength = 128;

    /// <summary>zxcvbn's score a password needs: 3, "safely unguessable" (about 10^10 guesses or more).</summary>
    public const int MinScore = 3;

    /// <summary>The shortest user name the "contains the user name" rule looks for (a two-letter name is in many words).</summary>
    private const int MinNameLength = 3;

    /// <summary>
    /// zxcvbn's time grows quickly with length (a 128-character password takes up to 0.6 s); the first 64 characters
    /// are what it scores. A passphrase whose first 64 characters are guessable is not made safe by its tail.
    /// </summary>
    private const int ScoredLength = 64;

    private const string ContainsUserName = "It contains the user name.";

    private static readonly string[] Labels = ["Very weak", "Weak", "Fair", "Strong", "Very strong"];

    /// <summary>The hint shown under a new-password field.</summary>
    public const string Hint = "12 to 128 characters, any you like: a few unrelated words make a strong one. Common passwords are refused.";

    /// <summary>Identity's own checks, set to agree (its composition rules off): <see cref="PasswordPolicyValidator"/> does the rest.</summary>
    public static void Apply(PasswordOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.RequiredLength = MinLength;
        options.RequireDigit = false;
        options.RequireLowercase = false;
        options.RequireUppercase = false;
        options.RequireNonAlphanumeric = false;
        options.RequiredUniqueChars = 1;
    }

    /// <summary>What is wrong with a password (a phrase that follows "Password"), or null when it is acceptable.</summary>
    public static string? Check(string password, string? userName = null) => Estimate(password, userName).Problem;

    /// <summary>The score, the verdict and the advice for <paramref name="password"/> of <paramref name="userName"/>.</summary>
    public static PasswordStrength Estimate(string password, string? userName = null)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length == 0)
        {
            return new PasswordStrength(0, Labels[0], $"must have at least {MinLength} characters", []);
        }

        var scored = password.Length > ScoredLength ? password[..ScoredLength] : password;
        var name = userName?.Trim() ?? "";
        var result = Zxcvbn.Zxcvbn.MatchPassword(scored, name.Length > 0 ? [name] : []);
        var score = Math.Clamp(result.Score, 0, 4);
        var suggestions = Suggest(result.MatchSequence);
        string? problem = null;
        if (password.Length > MaxLength)
        {
            problem = $"must have at most {MaxLength} characters (it has {password.Length})";
        }
        else if (name.Length >= MinNameLength && password.Contains(name, StringComparison.OrdinalIgnoreCase))
        {
            problem = "must not contain the user name";
            score = Math.Min(score, 1);
            suggestions.Remove(ContainsUserName);
        }
        else if (password.Length < MinLength)
        {
            problem = $"must have at least {MinLength} characters (it has {password.Length})";
            score = Math.Min(score, 1);
        }
        else if (score < MinScore)
        {
            problem = "is too easy to guess" + (suggestions.Count > 0 ? $" ({suggestions[0].TrimEnd('.').ToLowerInvariant()})" : "") + "; add a word or two nobody would connect with you";
        }

        return new PasswordStrength(score, Labels[score], problem, problem is null ? [] : suggestions);
    }

    /// <summary>
    /// Advice from what zxcvbn found (this port of it scores but gives no feedback of its own). It never quotes the
    /// password: the admin password's problem is a start-up message.
    /// </summary>
    private static List<string> Suggest(IEnumerable<Zxcvbn.Match> matches)
    {
        var advice = new List<string>();
        foreach (var match in matches)
        {
            var line = match switch
            {
                DictionaryMatch { DictionaryName: "user_inputs" } => ContainsUserName,
                DictionaryMatch { DictionaryName: "passwords", Rank: <= 1000 } => "It contains one of the most common passwords.",
                DictionaryMatch { DictionaryName: "passwords" } => "It contains a common password.",
                DictionaryMatch { DictionaryName: "male_names" or "female_names" or "surnames" } => "Names are easy to guess.",
                SpatialMatch => "Keyboard patterns are easy to guess.",
                RepeatMatch => "Repeated characters are easy to guess.",
                SequenceMatch => "Sequences like abc or 123 are easy to guess.",
                DateMatch => "Dates and years are easy to guess.",
                _ when match.Pattern is "date" or "year" => "Dates and years are easy to guess.",
                _ => null,
            };
            if (line is not null && !advice.Contains(line))
            {
                advice.Add(line);
            }
        }

        return advice;
    }
}
