using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;

namespace OneOff.Dashboard.Components.Layout;

/// <summary>The Runs entry of the header: active on the run list and on every run's page.</summary>
public sealed class RunsNavLink : NavLink
{
    [Inject]
    public required NavigationManager Navigation { get; init; }

    protected override bool ShouldMatch(string uriAbsolute)
    {
        var relative = Navigation.ToBaseRelativePath(uriAbsolute);
        var end = relative.IndexOfAny(['?', '#']);
        var path = "/" + (end < 0 ? relative : relative[..end]);
        return path == "/" || path.StartsWith("/runs/", StringComparison.Ordinal);
    }
}
