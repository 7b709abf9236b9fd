using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Dashboard.Authentication;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Authentication;

/// <summary>Sign-in attempts are limited per user name and per client, so that lockout is not the only brake.</summary>
public sealed class SignInRateLimitTests
{
    [Fact]
    public async Task LogIn_SixthAttemptForOneNameWithinAMinute_IsRefusedEvenWithTheRightPassword()
    {
        using var folder = new TempFolder();
        // The per-client limit (one test client sends all of these) is the next test's subject.
        await using var app = new DashboardApp(folder.Path, s => s.Configure<SignInLimitOptions>(o => o.PerClientPerMinute = 1000)) { RealSignInLimits = true };
        await app.CreateUserAsync("braked", DashboardRoles.Viewer);
        for (var i = 0; i < 4; i++)
        {
            using var wrong = await DashboardApp.LogInAsync(app.Client(), "braked", "Wrong-Pass-123");
            Assert.DoesNotContain(SignInRateLimits.Refusal, await wrong.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        using var fifth = await DashboardApp.LogInAsync(app.Client(), "braked", DashboardApp.UserPassword);
        using var sixth = await DashboardApp.LogInAsync(app.Client(), "BRAKED", DashboardApp.UserPassword);
        using var unknownSixth = await SixthForAnUnknownNameAsync(app);

        Assert.Equal(HttpStatusCode.Redirect, fifth.StatusCode);
        Assert.Equal(HttpStatusCode.OK, sixth.StatusCode);
        Assert.Contains(SignInRateLimits.Refusal, await sixth.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Contains(SignInRateLimits.Refusal, await unknownSixth.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogIn_EleventhPostFromOneClientWithinAMinute_Is429()
    {
        using var folder = new TempFolder();
        await using var app = new DashboardApp(folder.Path) { RealSignInLimits = true };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 11; i++)
        {
            using var response = await DashboardApp.LogInAsync(app.Client(), $"spray-{i}", "Wrong-Pass-123");
            statuses.Add(response.StatusCode);
            if (i == 10)
            {
                Assert.Equal("60", response.Headers.RetryAfter?.ToString());
                Assert.Contains(SignInRateLimits.Refusal, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
            }
        }

        using var page = await app.Client().GetAsync(new Uri("/login", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.All(statuses.Take(10), s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[10]);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    private static async Task<HttpResponseMessage> SixthForAnUnknownNameAsync(DashboardApp app)
    {
        for (var i = 0; i < 5; i++)
        {
            (await DashboardApp.LogInAsync(app.Client(), "nobody-here", "Wrong-Pass-123")).Dispose();
        }

        return await DashboardApp.LogInAsync(app.Client(), "nobody-here", "Wrong-Pass-123");
    }
}
