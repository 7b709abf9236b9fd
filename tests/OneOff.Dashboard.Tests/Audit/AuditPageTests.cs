using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Dashboard.Audit;
using OneOff.Dashboard.Authentication;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Audit;

/// <summary><c>/admin/audit</c> through real HTTP: what an Admin sees, and that nobody else does.</summary>
public sealed partial class AuditPageTests(AuditFixture fixture) : IClassFixture<AuditFixture>
{
    private DashboardApp App => fixture.App;

    private AuditLog Audit => App.Services.GetRequiredService<AuditLog>();

    [Fact]
    public async Task Get_Admin_ListsTheUsersEntriesNewestFirst()
    {
        await Audit.RecordAsync(AuditAction.SignInFailed, null, attemptedUserName: "page-a", clientIp: IPAddress.Parse("192.0.2.10"));
        await Audit.RecordAsync(AuditAction.SignedIn, "page-a", attemptedUserName: "page-a");
        await Audit.RecordAsync(AuditAction.RunStarted, "page-a", target: "20261201-101010-page");
        using var client = await App.SignedInClientAsync("page-admin", DashboardRoles.Admin);

        using var response = await client.GetAsync(new Uri("/admin/audit?user=page-a", UriKind.Relative), TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<h1>Audit log</h1>", html, StringComparison.Ordinal);
        Assert.Equal(["Run started", "Signed in", "Sign-in failed"], Badges(html));
        Assert.Contains("20261201-101010-page", html, StringComparison.Ordinal);
        Assert.Contains("192.0.2.10", html, StringComparison.Ordinal);
        Assert.Contains(">anonymous</td>", html, StringComparison.Ordinal);
        Assert.Contains("3 entries", html, StringComparison.Ordinal);
        Assert.Contains("value=\"page-a\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_AdminFilteringByAction_ListsThatActionOnly()
    {
        await Audit.RecordAsync(AuditAction.RunStarted, "page-b", target: "20261201-101010-keep");
        await Audit.RecordAsync(AuditAction.RunDeleted, "page-b", target: "20261201-101010-gone");
        using var client = await App.SignedInClientAsync("page-admin-b", DashboardRoles.Admin);

        var html = await client.GetStringAsync(new Uri("/admin/audit?user=page-b&action=RunDeleted", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(["Run deleted"], Badges(html));
        Assert.Contains("20261201-101010-gone", html, StringComparison.Ordinal);
        Assert.DoesNotContain("20261201-101010-keep", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"RunDeleted\" selected", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_AdminManyEntries_PagesFiftyAtATime()
    {
        for (var i = 0; i < 60; i++)
        {
            await Audit.RecordAsync(AuditAction.RunStarted, "page-many", target: $"page-run-{i:00}");
        }

        using var client = await App.SignedInClientAsync("page-admin-many", DashboardRoles.Admin);

        var first = await client.GetStringAsync(new Uri("/admin/audit?user=page-many", UriKind.Relative), TestContext.Current.CancellationToken);
        var second = await client.GetStringAsync(new Uri("/admin/audit?user=page-many&page=2", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(50, Badges(first).Count);
        Assert.Contains("page-run-59", first, StringComparison.Ordinal);
        Assert.DoesNotContain("page-run-09", first, StringComparison.Ordinal);
        Assert.Contains("Page 1 of 2", first, StringComparison.Ordinal);
        Assert.Contains("href=\"/admin/audit?user=page-many&amp;page=2\"", first, StringComparison.Ordinal);
        Assert.Equal(10, Badges(second).Count);
        Assert.Contains("page-run-00", second, StringComparison.Ordinal);
        Assert.Contains("href=\"/admin/audit?user=page-many\" rel=\"prev\"", second, StringComparison.Ordinal);
        Assert.DoesNotContain("rel=\"next\"", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_UnknownAction_SaysSoInOneLine()
    {
        using var client = await App.SignedInClientAsync("page-admin-bad", DashboardRoles.Admin);

        var html = await client.GetStringAsync(new Uri("/admin/audit?action=Hacked", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Contains("There is no action &#x27;Hacked&#x27;: choose one from the list (showing all actions).", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DashboardRoles.Operator)]
    [InlineData(DashboardRoles.Viewer)]
    public async Task Get_NotAdmin_IsNotAllowedAndHasNoLink(string level)
    {
        using var client = await App.SignedInClientAsync($"page-{level.ToLowerInvariant()}", level);

        using var response = await client.GetAsync(new Uri("/admin/audit", UriKind.Relative), TestContext.Current.CancellationToken);
        var home = await client.GetStringAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/access-denied", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/admin/audit\"", home, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Home_Admin_HasTheAuditLink()
    {
        using var client = await App.SignedInClientAsync("page-admin-nav", DashboardRoles.Admin);

        var home = await client.GetStringAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Contains("href=\"/admin/audit\"", home, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_SignedOut_RedirectsToLogin()
    {
        using var response = await App.Client().GetAsync(new Uri("/admin/audit", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    private static List<string> Badges(string html) => [.. BadgePattern().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))];

    [GeneratedRegex("<span class=\"badge state-[a-z]+\">([^<]+)</span>")]
    private static partial Regex BadgePattern();
}
