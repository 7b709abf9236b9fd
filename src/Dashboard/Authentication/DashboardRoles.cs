using System.Security.Claims;

namespace OneOff.Dashboard.Authentication;

/// <summary>
/// The nested roles: Viewer ⊂ Operator ⊂ Admin. A user holds every role up to its level (an Operator is also a
/// Viewer), so each check is one <see cref="ClaimsPrincipal.IsInRole"/>.
/// </summary>
public static class DashboardRoles
{
    public const string Viewer = "Viewer";
    public const string Operator = "Operator";
    public const string Admin = "Admin";

    /// <summary>The levels, lowest first.</summary>
    public static IReadOnlyList<string> Levels { get; } = [Viewer, Operator, Admin];

    /// <summary>The roles a user of <paramref name="level"/> holds.</summary>
    public static IReadOnlyList<string> Implied(string level)
    {
        var index = IndexOf(level);
        return index < 0 ? throw new ArgumentException($"Unknown role '{level}'.", nameof(level)) : [.. Levels.Take(index + 1)];
    }

    /// <summary>The highest level among <paramref name="roles"/>, or null when there is none.</summary>
    public static string? LevelOf(IEnumerable<string> roles) =>
        roles.Select(IndexOf).Where(i => i >= 0).DefaultIfEmpty(-1).Max() is var i and >= 0 ? Levels[i] : null;

    public static bool CanOperate(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Identity?.IsAuthenticated == true && (user.IsInRole(Operator) || user.IsInRole(Admin));
    }

    public static bool IsAdmin(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Identity?.IsAuthenticated == true && user.IsInRole(Admin);
    }

    private static int IndexOf(string level)
    {
        for (var i = 0; i < Levels.Count; i++)
        {
            if (string.Equals(Levels[i], level, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
