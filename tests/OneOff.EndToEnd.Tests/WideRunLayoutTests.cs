using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace OneOff.EndToEnd.Tests;

/// <summary>
/// A run with twenty hidden sizes up to 2000 (a small training set, so it is quick), looked at on a laptop (1360 px)
/// and a phone (390 px): the header fits, no heading carries a focus ring after load, every chart draws.
/// </summary>
public sealed partial class WideRunLayoutTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Sizes = "1,2,3,5,8,10,20,30,50,100,200,300,500,800,1000,1200,1400,1600,1800,2000";

    [Fact]
    public async Task RunPage_TwentySizes_FitsALaptopAndAPhone()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByLabel("User name").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync(BrowserFixture.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Run job" })).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await page.GetByLabel("Train size").FillAsync("200");
        await page.GetByLabel("Test size").FillAsync("200");
        await page.GetByLabel("Hidden sizes").FillAsync(Sizes);
        await page.GetByLabel("Max iterations").FillAsync("60");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run job" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(RunUrl(), new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator(".page-head .badge")).ToHaveTextAsync("Succeeded", new() { Timeout = 180_000 });
        var results = page.Locator("#results");
        await Assertions.Expect(results.GetByRole(AriaRole.Figure)).ToHaveCountAsync(5, new() { Timeout = 30_000 });
        await Assertions.Expect(results.Locator(".main-svg").First).ToBeAttachedAsync(new() { Timeout = 30_000 });
        await page.ReloadAsync();
        await Assertions.Expect(results.GetByRole(AriaRole.Figure)).ToHaveCountAsync(5, new() { Timeout = 30_000 });
        await page.WaitForTimeoutAsync(1_500);

        Assert.Equal("none", await HeadingOutlineAsync(page));
        Assert.Equal(5, await SurfaceColumnsSoonAsync(page, 5));
        await WholePageShotAsync(page, 1360, Shot("10-wide-run-1360.png"));
        foreach (var (name, file) in new[] { ("Accuracy and surface agreement against the hidden-layer size", "accuracy"), ("Training loss of every hidden-layer size", "loss"), ("Decision surfaces of every hidden-layer size", "surfaces") })
        {
            await results.GetByRole(AriaRole.Figure, new() { Name = name }).ScreenshotAsync(new() { Path = Shot($"10-wide-run-1360-{file}.png") });
        }

        await page.Locator(".params-list").ScreenshotAsync(new() { Path = Shot("10-wide-run-1360-parameters.png") });

        await page.SetViewportSizeAsync(390, 844);
        // The grid of surfaces is laid out again for the phone: two panels a row.
        Assert.Equal(2, await SurfaceColumnsSoonAsync(page, 2));
        await page.WaitForTimeoutAsync(800);
        var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        var logOut = await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).BoundingBoxAsync();
        await page.ScreenshotAsync(new() { Path = Shot("11-wide-run-390-top.png") });
        foreach (var (name, file) in new[] { ("Training data", "training"), ("Decision surface", "surface"), ("Accuracy and surface agreement against the hidden-layer size", "accuracy"), ("Training loss of every hidden-layer size", "loss"), ("Decision surfaces of every hidden-layer size", "surfaces") })
        {
            await results.GetByRole(AriaRole.Figure, new() { Name = name }).First.ScreenshotAsync(new() { Path = Shot($"11-wide-run-390-{file}.png") });
        }

        await page.Locator(".progress-table").ScreenshotAsync(new() { Path = Shot("11-wide-run-390-progress.png") });
        await WholePageShotAsync(page, 390, Shot("11-wide-run-390.png"));
        Assert.NotNull(logOut);
        Assert.True(logOut.X + logOut.Width <= 390, $"Log out ends at {logOut.X + logOut.Width} px, beyond the 390 px screen.");
        Assert.True(overflow <= 0, $"The run page is {overflow} px wider than a 390 px screen; too wide: {await TooWideAsync(page)}");
    }

    /// <summary>The elements that end beyond the screen's right edge while their parent does not (where overflow starts).</summary>
    private static Task<string> TooWideAsync(IPage page) =>
        page.EvaluateAsync<string>("""
            (() => {
              const w = document.documentElement.clientWidth;
              const out = [];
              for (const e of document.querySelectorAll('body *')) {
                const r = e.getBoundingClientRect();
                const p = e.parentElement && e.parentElement.getBoundingClientRect();
                let clipped = false;
                for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
                  if (getComputedStyle(a).overflowX !== 'visible' && a.getBoundingClientRect().right <= w + 0.5) { clipped = true; break; }
                }
                if (!clipped && r.right > w + 0.5 && (!p || p.right <= w + 0.5)) {
                  out.push(`${e.tagName.toLowerCase()}.${[...e.classList].join('.')} (in ${e.parentElement.tagName.toLowerCase()}.${[...e.parentElement.classList].join('.')}) ends at ${Math.round(r.right)}`);
                }
              }
              return out.slice(0, 12).join('; ');
            })()
            """);

    /// <summary>The grid's columns once they are <paramref name="expected"/>, or what they are after 20 s (Plotly draws late on a loaded machine).</summary>
    private static async Task<int> SurfaceColumnsSoonAsync(IPage page, int expected)
    {
        var columns = 0;
        for (var wait = 0; wait < 100 && (columns = await SurfaceColumnsAsync(page)) != expected; wait++)
        {
            await page.WaitForTimeoutAsync(200);
        }

        return columns;
    }

    /// <summary>How many columns of panels the grid of decision surfaces shows (distinct left edges of its subplots).</summary>
    private static Task<int> SurfaceColumnsAsync(IPage page) =>
        page.EvaluateAsync<int>("""
            (() => new Set([...document.querySelectorAll('#chart-surfaces .draglayer .nsewdrag')]
              .map(r => Math.round(r.getBoundingClientRect().left))).size)()
            """);

    /// <summary>The outline the page's heading shows now (focus was moved to it on load).</summary>
    private static Task<string> HeadingOutlineAsync(IPage page) =>
        page.EvaluateAsync<string>("(() => { const h = document.querySelector('h1'); return getComputedStyle(h).outlineStyle; })()");

    private static async Task WholePageShotAsync(IPage page, int width, string path)
    {
        var height = await page.EvaluateAsync<int>("document.documentElement.scrollHeight");
        await page.SetViewportSizeAsync(width, height);
        await page.WaitForTimeoutAsync(800);
        await page.ScreenshotAsync(new() { Path = path });
        await page.SetViewportSizeAsync(width, 900);
    }

    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotFolder, name);

    [GeneratedRegex("/runs/[0-9]{8}-[0-9]{6}-[a-z0-9]{4}$")]
    private static partial Regex RunUrl();
}
