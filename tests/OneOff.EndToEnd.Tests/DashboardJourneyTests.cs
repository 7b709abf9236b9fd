using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace OneOff.EndToEnd.Tests;

/// <summary>What a user does in a real browser: sign in, start a run, watch it finish.</summary>
public sealed partial class DashboardJourneyTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task RunJob_SignedInOperator_WatchesTheRunSucceed()
    {
        var page = await fixture.NewPageAsync();

        await page.GotoAsync("/");
        await Assertions.Expect(page).ToHaveURLAsync(LoginUrl());
        await page.ScreenshotAsync(new() { Path = Shot("01-login.png") });
        await page.GetByLabel("User name").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync(BrowserFixture.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Runs", Exact = true })).ToBeVisibleAsync();
        await WaitForInteractivityAsync(page);

        await page.GetByLabel("Train size").FillAsync("300");
        await page.GetByLabel("Test size").FillAsync("100");
        await page.GetByLabel("Hidden sizes").FillAsync("3,5");
        await page.GetByLabel("Max iterations").FillAsync("20");
        await page.ScreenshotAsync(new() { Path = Shot("02-form.png"), FullPage = true });
        await page.GetByRole(AriaRole.Button, new() { Name = "Run job" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(RunUrl());
        await Assertions.Expect(page.Locator(".params-list dd").First).ToHaveTextAsync("300");
        var badge = page.Locator(".page-head .badge");
        await Assertions.Expect(badge).ToHaveTextAsync("Succeeded", new() { Timeout = 90_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Progressbar)).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete run" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("03-run.png"), FullPage = true });

        await page.GetByRole(AriaRole.Link, new() { Name = "Runs", Exact = true }).First.ClickAsync();
        await Assertions.Expect(page.Locator(".runs-table tbody tr").First.Locator(".badge")).ToHaveTextAsync("Succeeded");
        await page.ScreenshotAsync(new() { Path = Shot("04-list.png"), FullPage = true });

        await page.GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "admin (you)" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("06-users.png"), FullPage = true });

        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(LoginUrl());
        await page.GotoAsync("/");
        await Assertions.Expect(page).ToHaveURLAsync(LoginUrl());
    }

    [Fact]
    public async Task RunJob_BadTrainSize_ShowsTheMessageBesideTheField()
    {
        var page = await fixture.NewPageAsync();
        await LogInAsAdminAsync(page);

        await page.GetByLabel("Train size").FillAsync("50");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run job" }).ClickAsync();

        await Assertions.Expect(page.Locator("#m-train_size")).ToHaveTextAsync("Must be from 100 to 1000000 (got 50); enter an integer from 100 to 1000000.");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/$"));
        await page.ScreenshotAsync(new() { Path = Shot("05-form-error.png"), FullPage = true });
    }

    [Fact]
    public async Task Cancel_RunningRun_EndsCancelled()
    {
        var page = await fixture.NewPageAsync();
        await LogInAsAdminAsync(page);

        await page.GetByLabel("Train size").FillAsync("50000");
        await page.GetByLabel("Test size").FillAsync("1000");
        await page.GetByLabel("Hidden sizes").FillAsync("10,50,100");
        await page.GetByLabel("Max iterations").FillAsync("3000");
        await page.GetByLabel("Tolerance").FillAsync("1e-12");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run job" }).ClickAsync();
        await Assertions.Expect(page.Locator(".page-head .badge")).ToHaveTextAsync("Running", new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByText(IterationText()).First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await page.ScreenshotAsync(new() { Path = Shot("07-running.png"), FullPage = true });
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await Assertions.Expect(page.Locator(".page-head .badge")).ToHaveTextAsync("Cancelled", new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Shot("08-cancelled.png"), FullPage = true });
    }

    private static async Task LogInAsAdminAsync(IPage page)
    {
        await page.GotoAsync("/login");
        await page.GetByLabel("User name").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync(BrowserFixture.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await WaitForInteractivityAsync(page);
    }

    [GeneratedRegex("iteration [0-9]+ of 3000")]
    private static partial Regex IterationText();

    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotFolder, name);

    /// <summary>Run job is enabled once Blazor's circuit is up (the server then handles the form).</summary>
    private static Task WaitForInteractivityAsync(IPage page) =>
        Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Run job" })).ToBeEnabledAsync(new() { Timeout = 30_000 });

    [GeneratedRegex("/login")]
    private static partial Regex LoginUrl();

    [GeneratedRegex("/runs/[0-9]{8}-[0-9]{6}-[a-z0-9]{4}$")]
    private static partial Regex RunUrl();
}
