using Microsoft.Extensions.DependencyInjection;
using OneOff.Dashboard.Audit;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Tests.Audit;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Model;

/// <summary>The audit page's logic, without rendering, over the real audit log.</summary>
public sealed class AuditViewModelTests(AuditFixture fixture) : IClassFixture<AuditFixture>
{
    private DashboardApp App => fixture.App;

    private AuditLog Audit => App.Services.GetRequiredService<AuditLog>();

    private AuditViewModel NewModel() => App.Services.GetRequiredService<AuditViewModel>();

    [Fact]
    public async Task LoadAsync_SignInAttempts_ShowAnonymousAndTheNameTried()
    {
        await Audit.RecordAsync(AuditAction.SignInFailed, null, attemptedUserName: "vm-tried", clientIp: System.Net.IPAddress.Parse("192.0.2.1"));
        await Audit.RecordAsync(AuditAction.SignedIn, "vm-tried", attemptedUserName: "VM-Tried");
        var model = NewModel();

        await model.LoadAsync(await App.PrincipalAsync("admin"), "vm-tried", null, null, TestContext.Current.CancellationToken);

        Assert.Equal(2, model.Total);
        var (signedIn, failed) = (model.Rows[0], model.Rows[1]);
        Assert.Equal(("vm-tried", false, "Signed in", "state-succeeded", "as 'VM-Tried'", "—"), (signedIn.Who, signedIn.Anonymous, signedIn.ActionLabel, signedIn.BadgeClass, signedIn.Target, signedIn.Client));
        Assert.Equal(("anonymous", true, "Sign-in failed", "state-failed", "as 'vm-tried'", "192.0.2.1"), (failed.Who, failed.Anonymous, failed.ActionLabel, failed.BadgeClass, failed.Target, failed.Client));
        Assert.Equal(RunFormat.Time(failed.Utc), failed.Time);
        Assert.Null(model.NewerLink);
        Assert.Null(model.OlderLink);
    }

    [Fact]
    public async Task LoadAsync_MiddlePageOfAFilter_LinksBothWaysKeepingTheFilter()
    {
        for (var i = 0; i < 120; i++)
        {
            await Audit.RecordAsync(AuditAction.RunStarted, "vm.pages", target: $"vm-run-{i}");
        }

        var model = NewModel();

        await model.LoadAsync(await App.PrincipalAsync("admin"), " vm.pages ", "runstarted", 2, TestContext.Current.CancellationToken);

        Assert.Equal((2, 3, 120, 50), (model.Page, model.PageCount, model.Total, model.Rows.Count));
        Assert.Equal(AuditAction.RunStarted, model.Action);
        Assert.Equal("vm.pages", model.User);
        Assert.True(model.IsFiltered);
        Assert.Equal("/admin/audit?user=vm.pages&action=RunStarted", model.NewerLink);
        Assert.Equal("/admin/audit?user=vm.pages&action=RunStarted&page=3", model.OlderLink);
        Assert.Equal("vm-run-69", model.Rows[0].Target);
    }

    [Fact]
    public async Task LoadAsync_UnknownAction_SaysSoAndFiltersOnlyByUser()
    {
        await Audit.RecordAsync(AuditAction.UserAdded, "vm-bad", target: "vm-new");
        var model = NewModel();

        await model.LoadAsync(await App.PrincipalAsync("admin"), "vm-bad", "DropTables", null, TestContext.Current.CancellationToken);

        Assert.Equal("There is no action 'DropTables': choose one from the list (showing all actions).", model.FilterMessage);
        Assert.Null(model.Action);
        Assert.Single(model.Rows);
    }

    [Fact]
    public async Task LoadAsync_Viewer_SeesNothing()
    {
        await Audit.RecordAsync(AuditAction.SignedIn, "vm-viewer");
        await App.CreateUserAsync("vm-viewer", DashboardRoles.Viewer);
        var model = NewModel();

        await model.LoadAsync(await App.PrincipalAsync("vm-viewer"), null, null, null, TestContext.Current.CancellationToken);

        Assert.Empty(model.Rows);
    }

    [Fact]
    public void Actions_EveryActionOfTheClosedSet_HasItsOwnLabel()
    {
        Assert.Equal(Enum.GetValues<AuditAction>(), AuditViewModel.Actions.Select(a => a.Action));
        Assert.All(AuditViewModel.Actions, a => Assert.NotEqual(a.Action.ToString(), a.Label));
        Assert.Equal(AuditViewModel.Actions.Count, AuditViewModel.Actions.Select(a => a.Label).Distinct().Count());
    }

    [Fact]
    public void LinkTo_NoFilterFirstPage_IsThePlainPath() =>
        Assert.Equal("/admin/audit", AuditViewModel.LinkTo(" ", null, 1));
}
