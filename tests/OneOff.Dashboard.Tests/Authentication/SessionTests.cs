using System.Net;
using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Runs;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Authentication;

/// <summary>
/// A page's captured principal is no authority: every command re-checks the user in the store (ASVS 3.7.1, 4.1.5),
/// and logout ends the session everywhere (3.3.1).
/// </summary>
public sealed class SessionTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private DashboardApp App => fixture.App;

    private UserAdministration Administration => App.Services.GetRequiredService<UserAdministration>();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Submit_OperatorLockedAfterTheirPageOpened_IsRefused()
    {
        await App.CreateUserAsync("locked-op", DashboardRoles.Operator);
        var captured = await App.PrincipalAsync("locked-op");
        Assert.Null(await Administration.LockAsync(await App.PrincipalAsync("admin"), "locked-op", Token));

        var result = await App.Commands.SubmitAsync(captured, RunForms.Small(), RunForms.Key(), Token);

        Assert.Null(result.Run);
        Assert.Equal(RunCommands.SessionEnded, result.Refusal);
    }

    [Fact]
    public async Task DeleteAndCancel_OperatorDemotedToViewer_AreRefused()
    {
        await App.CreateUserAsync("demoted-op", DashboardRoles.Operator);
        var captured = await App.PrincipalAsync("demoted-op");
        var run = (await App.Commands.SubmitAsync(captured, RunForms.Small(), RunForms.Key(), Token)).Run!;
        Assert.Null(await Administration.SetLevelAsync(await App.PrincipalAsync("admin"), "demoted-op", DashboardRoles.Viewer, Token));

        var cancel = await App.Commands.CancelAsync(captured, run.Id, Token);
        var delete = await App.Commands.DeleteAsync(captured, run.Id, Token);
        // Signed in again, the user is a Viewer now: the store's level decides, not a stale role claim.
        var again = await App.Commands.SubmitAsync(await App.PrincipalAsync("demoted-op"), RunForms.Small(), RunForms.Key(), Token);

        Assert.Equal(RunCommands.SessionEnded, cancel.Refusal);
        Assert.Equal(RunCommands.SessionEnded, delete.Refusal);
        Assert.Equal("Only Operators can start runs.", again.Refusal);
        Assert.NotNull(await App.Runs.GetAsync(run.Id, Token));
    }

    [Fact]
    public async Task Submit_UserSignedOutElsewhere_IsRefusedAndTheOldCookieNoLongerWorks()
    {
        await App.CreateUserAsync("leaving-op", DashboardRoles.Operator);
        using var http = App.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        var jar = new CookieJar();
        await jar.LogInAsync(http, "leaving-op", DashboardApp.UserPassword);
        var captured = await App.PrincipalAsync("leaving-op");
        var before = jar.Copy();
        using var home = await jar.SendAsync(http, HttpMethod.Get, "/");
        var token = DashboardApp.TokenOf(await home.Content.ReadAsStringAsync(Token));
        using var logout = await jar.SendAsync(http, HttpMethod.Post, "/logout", new() { ["__RequestVerificationToken"] = token });

        using var replayed = await before.SendAsync(http, HttpMethod.Get, "/");
        var submitted = await App.Commands.SubmitAsync(captured, RunForms.Small(), RunForms.Key(), Token);

        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.StartsWith("/login", replayed.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(RunCommands.SessionEnded, submitted.Refusal);
    }

    [Fact]
    public async Task AdminCommands_AdminDemotedMeanwhile_AreRefused()
    {
        await App.CreateUserAsync("second-admin", DashboardRoles.Admin);
        var captured = await App.PrincipalAsync("second-admin");
        Assert.Null(await Administration.SetLevelAsync(await App.PrincipalAsync("admin"), "second-admin", DashboardRoles.Viewer, Token));

        var added = await Administration.AddAsync(captured, "sneaky2", DashboardApp.UserPassword, DashboardRoles.Admin, Token);
        var listed = await Administration.ListAsync(captured, Token);

        Assert.Equal("Only Admins can manage users.", added);
        Assert.Empty(listed);
    }

    [Fact]
    public async Task Principal_WithoutASignInTime_IsNoSession()
    {
        await App.CreateUserAsync("forged-time", DashboardRoles.Operator);
        var real = await App.PrincipalAsync("forged-time");
        var identity = new ClaimsIdentity(real.Claims.Where(c => c.Type != UserStandings.SignedInAtClaim), real.Identity!.AuthenticationType);

        Assert.NotNull(await App.Services.GetRequiredService<UserStandings>().FindAsync(real, Token));
        Assert.Null(await App.Services.GetRequiredService<UserStandings>().FindAsync(new ClaimsPrincipal(identity), Token));
    }
}
