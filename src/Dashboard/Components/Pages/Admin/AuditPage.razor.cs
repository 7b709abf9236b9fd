using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using OneOff.Dashboard.Model;

namespace OneOff.Dashboard.Components.Pages.Admin;

public sealed partial class AuditPage
{
    [Inject]
    public required AuditViewModel Model { get; init; }

    [CascadingParameter]
    public Task<AuthenticationState>? AuthenticationState { get; set; }

    [SupplyParameterFromQuery(Name = "user")]
    public string? User { get; set; }

    [SupplyParameterFromQuery(Name = "action")]
    public string? Action { get; set; }

    [SupplyParameterFromQuery(Name = "page")]
    public int? Page { get; set; }

    private string EntriesSummary => Model.Total == 1
        ? "1 entry"
        : string.Create(CultureInfo.InvariantCulture, $"{Model.Total} entries") + (Model.PageCount > 1 ? string.Create(CultureInfo.InvariantCulture, $" · page {Model.Page} of {Model.PageCount}") : "");

    protected override async Task OnParametersSetAsync()
    {
        var me = AuthenticationState is null ? new System.Security.Claims.ClaimsPrincipal() : (await AuthenticationState).User;
        await Model.LoadAsync(me, User, Action, Page);
    }
}
