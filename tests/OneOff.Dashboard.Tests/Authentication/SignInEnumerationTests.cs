using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Components.Pages.Account;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Authentication;

/// <summary>The login page does not tell which user names exist: not by its answer, not by its time (ASVS 2.2, 3.2).</summary>
public sealed class SignInEnumerationTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private DashboardApp App => fixture.App;

    [Fact]
    public async Task LogIn_UnknownUserWrongPasswordAndLockedAccount_GetTheSameAnswer()
    {
        await App.CreateUserAsync("same-wrong", DashboardRoles.Viewer);
        await App.CreateUserAsync("same-locked", DashboardRoles.Viewer);
        using var client = App.Client();
        for (var i = 0; i < 5; i++)
        {
            (await DashboardApp.LogInAsync(client, "same-locked", "Wrong-Pass-123")).Dispose();
        }

        var unknown = await AnswerAsync(client, "no-such-user", "Wrong-Pass-123");
        var wrong = await AnswerAsync(client, "same-wrong", "Wrong-Pass-123");
        var lockedWrong = await AnswerAsync(client, "same-locked", "Wrong-Pass-123");
        var lockedRight = await AnswerAsync(client, "same-locked", DashboardApp.UserPassword);

        Assert.Equal(Login.WrongOrLocked, unknown);
        Assert.Equal(unknown, wrong);
        Assert.Equal(unknown, lockedWrong);
        Assert.Equal(unknown, lockedRight);
    }

    [Fact]
    public async Task LogIn_LockedByAnAdmin_SaysSoOnlyToTheRightPassword()
    {
        await App.CreateUserAsync("admin-locked", DashboardRoles.Viewer);
        Assert.Null(await App.Services.GetRequiredService<UserAdministration>().LockAsync(await App.PrincipalAsync("admin"), "admin-locked", TestContext.Current.CancellationToken));
        using var client = App.Client();

        var wrong = await AnswerAsync(client, "admin-locked", "Wrong-Pass-123");
        var right = await AnswerAsync(client, "admin-locked", DashboardApp.UserPassword);

        Assert.Equal(Login.WrongOrLocked, wrong);
        Assert.Equal(Login.LockedByAdmin, right);
        Assert.DoesNotContain("15 minutes", right, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogIn_UnknownUser_TakesAsLongAsAWrongPasswordForARealOne()
    {
        await App.CreateUserAsync("timed-real", DashboardRoles.Viewer);
        using var client = App.Client();
        var token = DashboardApp.TokenOf(await client.GetStringAsync(new Uri("/login", UriKind.Relative), TestContext.Current.CancellationToken));
        await TimeAsync(client, token, "timed-warmup", 2);

        // Interleaved, so that whatever else the machine does falls on both alike.
        var real = new List<double>();
        var unknown = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            real.Add(await TimeAsync(client, token, "timed-real", 1));
            unknown.Add(await TimeAsync(client, token, $"timed-unknown-{i}", 1));
        }

        var realMedian = Median(real);
        var unknownMedian = Median(unknown);
        TestContext.Current.TestOutputHelper?.WriteLine($"median sign-in: {realMedian:F1} ms for a real user, {unknownMedian:F1} ms for unknown ones");
        Assert.True(
            Math.Abs(unknownMedian - realMedian) <= 0.5 * realMedian,
            $"median {unknownMedian:F1} ms for unknown users vs {realMedian:F1} ms for a real one");
    }

    private static async Task<double> TimeAsync(HttpClient client, string token, string userName, int times)
    {
        var watch = new Stopwatch();
        for (var i = 0; i < times; i++)
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login",
                ["__RequestVerificationToken"] = token,
                ["Input.UserName"] = userName,
                ["Input.Password"] = "Wrong-Pass-123",
            });
            watch.Start();
            using var response = await client.PostAsync(new Uri("/login", UriKind.Relative), form, TestContext.Current.CancellationToken);
            watch.Stop();
            Assert.Contains(WebUtility.HtmlEncode(Login.WrongOrLocked), await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        return watch.Elapsed.TotalMilliseconds / times;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return (sorted[(sorted.Count - 1) / 2] + sorted[sorted.Count / 2]) / 2;
    }

    private static async Task<string> AnswerAsync(HttpClient client, string userName, string password)
    {
        using var response = await DashboardApp.LogInAsync(client, userName, password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var start = html.IndexOf("role=\"alert\">", StringComparison.Ordinal);
        Assert.True(start >= 0, "the page has an alert");
        start += "role=\"alert\">".Length;
        return WebUtility.HtmlDecode(html[start..html.IndexOf("</p>", start, StringComparison.Ordinal)]);
    }
}
