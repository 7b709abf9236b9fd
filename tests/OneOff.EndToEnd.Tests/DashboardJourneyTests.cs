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
        // Everything below runs under the app's Content-Security-Policy: any refusal by it is recorded.
        var refused = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                refused.Add(message.Text);
            }
        };
        await page.AddInitScriptAsync("window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));");

        await page.GotoAsync("/");
        await Assertions.Expect(page).ToHaveURLAsync(LoginUrl());
        await page.ScreenshotAsync(new() { Path = Shot("01-login.png") });
        await page.GetByLabel("User name").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync(BrowserFixture.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Runs", Exact = true })).ToBeVisibleAsync();
        await WaitForInteractivityAsync(page);

        await page.GetByLabel("Train size").FillAsync("2000");
        await page.GetByLabel("Test size").FillAsync("500");
        await page.GetByLabel("Hidden sizes").FillAsync("3,10,30");
        await page.GetByLabel("Max iterations").FillAsync("200");
        await page.ScreenshotAsync(new() { Path = Shot("02-form.png"), FullPage = true });
        await page.GetByRole(AriaRole.Button, new() { Name = "Run job" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(RunUrl());
        await Assertions.Expect(page.Locator(".params-list dd").First).ToHaveTextAsync("2000");
        var badge = page.Locator(".page-head .badge");
        await Assertions.Expect(badge).ToHaveTextAsync("Succeeded", new() { Timeout = 90_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Progressbar)).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete run" })).ToBeVisibleAsync();
        await ExpectEveryChartDrawnAsync(page);
        Assert.Empty(await page.EvaluateAsync<string[]>("window.__csp"));
        Assert.Empty(refused);
        await WholePageShotAsync(page, Shot("03-run.png"));
        await ExpectSurfacePickerWorksAsync(page);

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
        var cancel = page.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true });
        // Cancel asks first, as Delete does; "Keep it running" changes nothing.
        await cancel.ClickAsync();
        var dialog = page.GetByRole(AriaRole.Alertdialog);
        await Assertions.Expect(dialog).ToContainTextAsync("Its training stops and nothing of it is kept.");
        await page.ScreenshotAsync(new() { Path = Shot("07-cancel-confirm.png") });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Keep it running" }).ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await page.WaitForTimeoutAsync(500);
        await Assertions.Expect(page.Locator(".page-head .badge")).ToHaveTextAsync("Running");
        await cancel.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel the run" }).ClickAsync();

        await Assertions.Expect(page.Locator(".page-head .badge")).ToHaveTextAsync("Cancelled", new() { Timeout = 60_000 });
        await Assertions.Expect(cancel).ToHaveCountAsync(0);
        // A cancelled run looks cancelled: no blue bar still "training", no promise of plots.
        await Assertions.Expect(page.Locator(".progress-table .bar:not(.done):not(.stopped)")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#results")).ToContainTextAsync("This run was cancelled: it has no results.");
        await page.ScreenshotAsync(new() { Path = Shot("08-cancelled.png"), FullPage = true });
    }

    [Fact]
    public async Task RunJob_PressedFiveTimesQuickly_StartsOneRun()
    {
        var page = await fixture.NewPageAsync();
        await LogInAsAdminAsync(page);
        // A data seed no other test uses marks this form's runs in the list.
        await page.GetByLabel("Data seed").FillAsync("4242");
        await page.GetByLabel("Train size").FillAsync("500");
        await page.GetByLabel("Test size").FillAsync("200");
        await page.GetByLabel("Hidden sizes").FillAsync("3,5");
        await page.GetByLabel("Max iterations").FillAsync("50");

        await page.GetByRole(AriaRole.Button, new() { Name = "Run job" }).ClickAsync(new() { ClickCount = 5, Delay = 0 });

        await Assertions.Expect(page).ToHaveURLAsync(RunUrl(), new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator(".page-head .badge")).ToHaveTextAsync("Succeeded", new() { Timeout = 90_000 });
        await page.GotoAsync("/?state=succeeded,queued,running,starting");
        await Assertions.Expect(page.Locator(".runs-table")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".runs-table tbody tr", new() { HasText = "data seed 4242" })).ToHaveCountAsync(1);
    }

    /// <summary>
    /// The plots appeared without a reload (the page was open while the run went on), and each chart drew its data:
    /// SVG traces and heatmap images, and for the WebGL training data, coloured pixels on its WebGL canvas.
    /// </summary>
    /// <summary>Every chart of a run of <paramref name="points"/> training points and <paramref name="sizes"/> hidden sizes is there and drawn.</summary>
    internal static async Task ExpectEveryChartDrawnAsync(IPage page, int points = 2000, int sizes = 3)
    {
        var results = page.Locator("#results");
        string[] names = [$"Training data ({points.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} points)", "Decision surface, N = ", "Decision surfaces of every hidden-layer size",
            "Accuracy and surface agreement against the hidden-layer size", "Training loss of every hidden-layer size"];
        await Assertions.Expect(results.GetByRole(AriaRole.Figure)).ToHaveCountAsync(names.Length, new() { Timeout = 30_000 });
        foreach (var name in names)
        {
            var figure = results.GetByRole(AriaRole.Figure, new() { Name = name });
            // Plotly draws after the data arrives; on a loaded 2-core machine that took more than the default 5 s.
            await Assertions.Expect(figure).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(figure.Locator(".main-svg").First).ToBeAttachedAsync(new() { Timeout = 30_000 });
        }

        var webGl = await ChartProbe.ReadAsync(results.GetByRole(AriaRole.Figure, new() { Name = names[0] }));
        Assert.True(webGl.WebGlAvailable, "WebGL is not available in this headless Chromium (no SwiftShader?): the training-data scatter (scattergl) cannot draw, so this test cannot check it.");
        var training = await DrawnAsync(results, names[0], d => d.GlCanvases > 0 && d.GlPixels > 2_000);
        await results.GetByRole(AriaRole.Figure, new() { Name = names[0] }).ScreenshotAsync(new() { Path = Shot("03-run-training.png") });
        Assert.True(training.GlPixels > 2_000, $"The training-data WebGL canvas drew {training.GlPixels} pixels: the points are missing.");
        Assert.True(training.Green > 200 && training.Red > 200 && training.Blue > 200,
            $"The training data should show green X, red O and blue B points; the canvas has {training.Green} green, {training.Red} red and {training.Blue} blue pixels.");
        var surface = await DrawnAsync(results, names[1], d => d.Images >= 1);
        Assert.True(surface.Traces >= 1, $"The decision surface drew {surface.Traces} SVG traces (the true boundary is missing).");
        await DrawnAsync(results, names[2], d => d.Images >= sizes);
        var accuracy = await DrawnAsync(results, names[3], d => d.Traces >= 3);
        var loss = await DrawnAsync(results, names[4], d => d.Traces >= sizes || d.GlPixels > 0);
        Assert.True(accuracy.Plotted && loss.Plotted);
    }

    /// <summary>Picking another N draws its decision surface.</summary>
    private static async Task ExpectSurfacePickerWorksAsync(IPage page)
    {
        var results = page.Locator("#results");
        await results.GetByLabel("Hidden units N").SelectOptionAsync("3");
        await Assertions.Expect(results.GetByRole(AriaRole.Figure, new() { Name = "Decision surface, N = 3 hidden units" })).ToBeVisibleAsync();
        await DrawnAsync(results, "Decision surface, N = 3 hidden units", d => d.Images >= 1);
    }

    private static async Task<ChartDrawing> DrawnAsync(ILocator results, string name, Func<ChartDrawing, bool> drawn)
    {
        var figure = results.GetByRole(AriaRole.Figure, new() { Name = name });
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var drawing = await ChartProbe.ReadAsync(figure);
        while (!drawn(drawing) && waited.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(200);
            drawing = await ChartProbe.ReadAsync(figure);
        }

        if (!drawn(drawing))
        {
            await results.Page.ScreenshotAsync(new() { Path = Shot("03-run-failed.png"), FullPage = true });
        }

        Assert.True(drawn(drawing), $"The chart '{name}' did not draw its data: {drawing}.");
        return drawing;
    }

    /// <summary>
    /// The whole page through a viewport as tall as the page: a full-page capture of Chromium loses what the WebGL
    /// canvases drew (they are redrawn blank when the capture resizes the view).
    /// </summary>
    internal static async Task WholePageShotAsync(IPage page, string path)
    {
        var viewport = page.ViewportSize ?? new PageViewportSizeResult { Width = 1360, Height = 900 };
        var height = await page.EvaluateAsync<int>("document.documentElement.scrollHeight");
        await page.SetViewportSizeAsync(viewport.Width, height);
        await page.WaitForTimeoutAsync(300);
        await page.ScreenshotAsync(new() { Path = path });
        await page.SetViewportSizeAsync(viewport.Width, viewport.Height);
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
