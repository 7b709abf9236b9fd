using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Runs;

namespace OneOff.Dashboard.Components.Pages.Runs;

/// <summary>
/// What the run pages share: the signed-in user and whether they may operate, the clock, and the run feed's
/// pushed changes applied on the renderer's thread (a page re-renders when <see cref="Apply"/> says so). A page
/// whose session has ended (locked, demoted, signed out, expired) leaves for the sign-in page at its next command,
/// and within <c>OneOff:Auth:RevalidationSeconds</c> without one (the router's <c>[Authorize]</c>).
/// </summary>
public abstract class RunsComponentBase : ComponentBase, IDisposable
{
    [Inject]
    public required RunQueries Runs { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [Inject]
    public required UserStandings Standings { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [CascadingParameter]
    public Task<AuthenticationState>? AuthenticationState { get; set; }

    protected ClaimsPrincipal User { get; private set; } = new();

    protected bool CanOperate => DashboardRoles.CanOperate(User);

    protected DateTime Now => Time.GetUtcNow().UtcDateTime;

    protected override async Task OnInitializedAsync()
    {
        if (AuthenticationState is not null)
        {
            User = (await AuthenticationState).User;
        }

        Runs.RunChanged += OnRunChanged;
    }

    /// <summary>
    /// Runs a command of this page's user, first leaving for the sign-in page when their session has ended (the
    /// command itself checks again on the server, whatever this says).
    /// </summary>
    protected async Task CommandAsync(Func<Task> command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (await Standings.FindAsync(User) is null)
        {
            Runs.RunChanged -= OnRunChanged;
            var back = "/" + Navigation.ToBaseRelativePath(Navigation.Uri);
            Navigation.NavigateTo($"/login?ReturnUrl={Uri.EscapeDataString(back)}", forceLoad: true);
            return;
        }

        await command();
    }

    public void Dispose()
    {
        Runs.RunChanged -= OnRunChanged;
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>Applies a pushed change to the page's view model; true when the page must re-render.</summary>
    protected abstract bool Apply(RunChange change);

    private void OnRunChanged(RunChange change) => _ = InvokeAsync(() =>
    {
        if (Apply(change))
        {
            StateHasChanged();
        }
    });
}
