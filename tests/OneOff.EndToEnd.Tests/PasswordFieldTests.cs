using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace OneOff.EndToEnd.Tests;

/// <summary>The show-password toggle and the strength meter in a real browser, on a static and an interactive page.</summary>
public sealed partial class PasswordFieldTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task PasswordFields_ToggleShowsThePasswordAndTheMeterScoresAsYouType()
    {
        var page = await fixture.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };

        await page.GotoAsync("/login");
        var password = page.GetByLabel("Password", new() { Exact = true });
        await password.FillAsync(BrowserFixture.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show password" }).ClickAsync();
        await Assertions.Expect(password).ToHaveAttributeAsync("type", "text");
        await page.ScreenshotAsync(new() { Path = Shot("10-login-shown.png") });
        await page.GetByRole(AriaRole.Button, new() { Name = "Hide password" }).ClickAsync();
        await Assertions.Expect(password).ToHaveAttributeAsync("type", "password");
        await page.GetByLabel("User name").FillAsync("admin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Runs", Exact = true })).ToBeVisibleAsync();

        // A static page: the change-password form.
        await page.GotoAsync("/account/password");
        var meter = page.Locator("[data-strength-for=\"new\"]");
        await page.GetByLabel("New password", new() { Exact = true }).PressSequentiallyAsync("Password1234");
        await Assertions.Expect(meter.Locator(".strength-text")).ToContainTextAsync("too easy to guess");
        await Assertions.Expect(meter).ToHaveAttributeAsync("data-score", "0");
        await page.ScreenshotAsync(new() { Path = Shot("11-meter-weak.png") });
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("copper kettle sings at dawn");
        await Assertions.Expect(meter.Locator(".strength-text")).ToContainTextAsync("accepted");
        await Assertions.Expect(meter).ToHaveAttributeAsync("data-score", StrongScore());
        await page.ScreenshotAsync(new() { Path = Shot("12-meter-strong.png") });

        // An interactive page: adding a user, whose name the password must not contain.
        // Reached inside the circuit (typing into the prerendered page before it is interactive would be lost).
        await page.GotoAsync("/");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Run job" })).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await page.GetByRole(AriaRole.Link, new() { Name = "Users", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Add a user" })).ToBeVisibleAsync();
        await page.GetByLabel("User name").FillAsync("margaret");
        await page.GetByLabel("Password", new() { Exact = true }).PressSequentiallyAsync("margaret-harbor-2026");
        await Assertions.Expect(page.Locator("[data-strength-for=\"new-password\"] .strength-text")).ToContainTextAsync("must not contain the user name");
        await page.ScreenshotAsync(new() { Path = Shot("13-meter-users.png"), FullPage = true });

        Assert.Empty(errors);
    }

    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotFolder, name);

    [GeneratedRegex("^[34]$")]
    private static partial Regex StrongScore();
}
