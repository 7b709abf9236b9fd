using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using OneOff.Dashboard.Authentication;

namespace OneOff.Dashboard.Components.Pages.Admin;

public sealed partial class UsersPage
{
    [Inject]
    public required UserAdministration Administration { get; init; }

    [CascadingParameter]
    public Task<AuthenticationState>? AuthenticationState { get; set; }

    private ClaimsPrincipal Me { get; set; } = new();

    private IReadOnlyList<UserRow> Users { get; set; } = [];

    private Dictionary<string, string> ResetPasswords { get; } = new(StringComparer.OrdinalIgnoreCase);

    private string NewUserName { get; set; } = "";

    private string NewPassword { get; set; } = "";

    private string NewLevel { get; set; } = DashboardRoles.Viewer;

    private string? Message { get; set; }

    private bool MessageIsError { get; set; }

    protected override async Task OnInitializedAsync()
    {
        if (AuthenticationState is not null)
        {
            Me = (await AuthenticationState).User;
        }

        Users = await Administration.ListAsync(Me);
    }

    private string ResetValue(string userName) => ResetPasswords.TryGetValue(userName, out var v) ? v : "";

    private async Task AddAsync()
    {
        var name = NewUserName;
        if (await DoAsync(Administration.AddAsync(Me, NewUserName, NewPassword, NewLevel), $"Added {name.Trim()} as {NewLevel}."))
        {
            NewUserName = "";
            NewPassword = "";
        }
    }

    private Task SetLevelAsync(string userName, string? level) =>
        DoAsync(Administration.SetLevelAsync(Me, userName, level ?? ""), $"{userName} is now {level}.");

    private async Task ResetAsync(string userName)
    {
        if (await DoAsync(Administration.ResetPasswordAsync(Me, userName, ResetValue(userName)), $"Set a new password for {userName}; they must change it at next sign-in."))
        {
            ResetPasswords.Remove(userName);
        }
    }

    private Task LockAsync(string userName) => DoAsync(Administration.LockAsync(Me, userName), $"Locked {userName}.");

    private Task UnlockAsync(string userName) => DoAsync(Administration.UnlockAsync(Me, userName), $"Unlocked {userName}.");

    private async Task<bool> DoAsync(Task<string?> action, string done)
    {
        var problem = await action;
        Message = problem ?? done;
        MessageIsError = problem is not null;
        Users = await Administration.ListAsync(Me);
        return problem is null;
    }
}
