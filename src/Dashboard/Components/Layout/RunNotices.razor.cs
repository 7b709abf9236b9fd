using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Runs;

namespace OneOff.Dashboard.Components.Layout;

/// <summary>
/// The run-finished notices of the layout: it listens to the run feed while the layout is interactive (every page
/// but the static account and error pages, whose hub a password change refuses), and shows what
/// <see cref="RunNoticesViewModel"/> says. The layout persists across navigations, so the notices do too.
/// </summary>
public sealed partial class RunNotices : ComponentBase, IDisposable
{
    private bool _subscribed;

    [Inject]
    public required RunQueries Runs { get; init; }

    [Inject]
    public required RunNoticesViewModel Vm { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [CascadingParameter]
    public Task<AuthenticationState>? AuthenticationState { get; set; }

    protected override async Task OnInitializedAsync()
    {
        // Prerendering and static pages have no circuit to push to: nothing to listen for there.
        if (!RendererInfo.IsInteractive || AuthenticationState is null)
        {
            return;
        }

        var user = (await AuthenticationState).User;
        if (user.Identity is not { IsAuthenticated: true, Name: { Length: > 0 } name })
        {
            return;
        }

        Vm.Watch(name);
        Runs.RunChanged += OnRunChanged;
        _subscribed = true;
    }

    public void Dispose()
    {
        if (_subscribed)
        {
            Runs.RunChanged -= OnRunChanged;
        }
    }

    private void OnRunChanged(RunChange change)
    {
        // Progress of every active run passes here: only ends and deletions go to the renderer.
        if (!RunNoticesViewModel.MayMatter(change))
        {
            return;
        }

        _ = InvokeAsync(() =>
        {
            if (Vm.Apply(change, CurrentRunId()))
            {
                StateHasChanged();
            }
        });
    }

    /// <summary>The run whose page is open (<c>/runs/{id}</c>), or null.</summary>
    private string? CurrentRunId()
    {
        var relative = Navigation.ToBaseRelativePath(Navigation.Uri);
        var end = relative.IndexOfAny(['?', '#']);
        var path = end < 0 ? relative : relative[..end];
        const string Prefix = "runs/";
        return path.StartsWith(Prefix, StringComparison.Ordinal) && path.Length > Prefix.Length && path.IndexOf('/', Prefix.Length) < 0
            ? Uri.UnescapeDataString(path[Prefix.Length..])
            : null;
    }
}
