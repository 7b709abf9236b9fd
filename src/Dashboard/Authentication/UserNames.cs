namespace OneOff.Dashboard.Authentication;

/// <summary>The one rule for user names: the Users page and <c>OneOff:Admin:UserName</c> both apply it.</summary>
public static class UserNames
{
    public const string Rule = "2 to 64 characters of ASCII letters, digits, '.', '-' and '_'";

    public static bool IsValid(string? userName) =>
        userName is { Length: >= 2 and <= 64 } && userName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');
}
