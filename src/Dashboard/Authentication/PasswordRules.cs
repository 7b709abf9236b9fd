using Microsoft.AspNetCore.Identity;

namespace OneOff.Dashboard.Authentication;

/// <summary>The password rules, in one place for Identity and for the admin password setting.</summary>
public static class PasswordRules
{
    public const int MinLength = 10;

    public static void Apply(PasswordOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.RequiredLength = MinLength;
        options.RequireDigit = true;
        options.RequireLowercase = true;
        options.RequireUppercase = true;
        options.RequireNonAlphanumeric = false;
        options.RequiredUniqueChars = 4;
    }

    /// <summary>What is wrong with a password ("must …"), or null when it is acceptable.</summary>
    public static string? Check(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length < MinLength || !password.Any(char.IsDigit) || !password.Any(char.IsLower) || !password.Any(char.IsUpper) || password.Distinct().Count() < 4)
        {
            return $"must have at least {MinLength} characters with a digit, a lower-case and an upper-case letter";
        }

        return null;
    }
}
