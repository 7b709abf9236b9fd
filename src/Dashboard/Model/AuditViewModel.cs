using System.Globalization;
using System.Security.Claims;
using Microsoft.Extensions.Options;
using OneOff.Dashboard.Audit;

namespace OneOff.Dashboard.Model;

/// <summary>One line of <c>/admin/audit</c> as the page shows it.</summary>
public sealed record AuditRow(
    string Time, DateTime Utc, string Who, bool Anonymous, AuditAction Action, string ActionLabel, string BadgeClass, string Target, string Detail, string Client);

/// <summary>
/// The logic of <c>/admin/audit</c>: the filter (a user, an action) and the page from the query string, one page of
/// entries newest first, and the links to the newer and older pages.
/// </summary>
public sealed class AuditViewModel(AuditLog audit, IOptions<AuditOptions> options)
{
    public const string Path = "/admin/audit";

    /// <summary>The actions the filter offers, with their labels.</summary>
    public static IReadOnlyList<(AuditAction Action, string Label)> Actions { get; } =
        [.. Enum.GetValues<AuditAction>().Select(a => (a, Label(a)))];

    public int RetentionDays => options.Value.RetentionDays;

    public string User { get; private set; } = "";

    /// <summary>The action filtered on, or null for all.</summary>
    public AuditAction? Action { get; private set; }

    /// <summary>What is wrong with the filter as given (an unknown action), or null.</summary>
    public string? FilterMessage { get; private set; }

    public bool IsFiltered => User.Length > 0 || Action is not null;

    public IReadOnlyList<AuditRow> Rows { get; private set; } = [];

    public int Total { get; private set; }

    public int Page { get; private set; } = 1;

    public int PageCount { get; private set; } = 1;

    /// <summary>The link to the newer entries (the previous page), or null on the first.</summary>
    public string? NewerLink => Page > 1 ? LinkTo(User, Action, Page - 1) : null;

    /// <summary>The link to the older entries (the next page), or null on the last.</summary>
    public string? OlderLink => Page < PageCount ? LinkTo(User, Action, Page + 1) : null;

    /// <summary>Loads the page the query string asks for; an unknown action is said, and not filtered on.</summary>
    public async Task LoadAsync(ClaimsPrincipal caller, string? user, string? action, int? page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        User = user?.Trim() ?? "";
        Action = null;
        FilterMessage = null;
        if (!string.IsNullOrWhiteSpace(action))
        {
            if (ParseAction(action.Trim()) is { } known)
            {
                Action = known;
            }
            else
            {
                FilterMessage = $"There is no action '{action.Trim()}': choose one from the list (showing all actions).";
            }
        }

        var result = await audit.QueryAsync(caller, new AuditQuery(User.Length > 0 ? User : null, Action, page ?? 1), cancellationToken).ConfigureAwait(false);
        Rows = [.. result.Entries.Select(ToRow)];
        Total = result.Total;
        Page = result.Page;
        PageCount = result.PageCount;
    }

    public static string LinkTo(string? user, AuditAction? action, int page)
    {
        var query = new List<string>(3);
        if (!string.IsNullOrWhiteSpace(user))
        {
            query.Add("user=" + Uri.EscapeDataString(user.Trim()));
        }

        if (action is { } a)
        {
            query.Add("action=" + a);
        }

        if (page > 1)
        {
            query.Add(string.Create(CultureInfo.InvariantCulture, $"page={page}"));
        }

        return query.Count == 0 ? Path : Path + "?" + string.Join('&', query);
    }

    public static string Label(AuditAction action) => action switch
    {
        AuditAction.SignedIn => "Signed in",
        AuditAction.SignInFailed => "Sign-in failed",
        AuditAction.LockedOut => "Locked out",
        AuditAction.UserLocked => "User locked",
        AuditAction.UserUnlocked => "User unlocked",
        AuditAction.UserAdded => "User added",
        AuditAction.RoleChanged => "Role changed",
        AuditAction.PasswordReset => "Password reset",
        AuditAction.PasswordChanged => "Password changed",
        AuditAction.RunStarted => "Run started",
        AuditAction.RunCancelled => "Run cancelled",
        AuditAction.RunDeleted => "Run deleted",
        AuditAction.SignedOut => "Signed out",
        AuditAction.TwoFactorEnabled => "Two-factor on",
        AuditAction.TwoFactorDisabled => "Two-factor off",
        _ => action.ToString(),
    };

    private static AuditAction? ParseAction(string text) =>
        Enum.GetValues<AuditAction>().Cast<AuditAction?>()
            .FirstOrDefault(a => string.Equals(a.ToString(), text, StringComparison.OrdinalIgnoreCase));

    private static string BadgeOf(AuditAction action) => action switch
    {
        AuditAction.SignInFailed or AuditAction.LockedOut or AuditAction.UserLocked or AuditAction.RunDeleted => "state-failed",
        AuditAction.PasswordReset or AuditAction.RoleChanged or AuditAction.RunCancelled or AuditAction.TwoFactorDisabled => "state-cancelling",
        AuditAction.SignedIn or AuditAction.UserUnlocked or AuditAction.UserAdded or AuditAction.RunStarted or AuditAction.TwoFactorEnabled => "state-succeeded",
        _ => "state-queued",
    };

    private static AuditRow ToRow(AuditEntry e)
    {
        // A sign-in has no target: the name as typed says who was tried.
        var target = e.Target ?? (e.AttemptedUserName is { } tried && !string.Equals(tried, e.Actor, StringComparison.Ordinal) ? $"as '{tried}'" : "");
        return new AuditRow(
            RunFormat.Time(e.Utc), e.Utc, e.Actor ?? "anonymous", e.Actor is null, e.Action, Label(e.Action), BadgeOf(e.Action),
            target, e.Detail ?? "", e.ClientIp ?? "—");
    }
}
