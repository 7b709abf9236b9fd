using System.IO.Compression;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace OneOff.EndToEnd.Tests;

/// <summary>
/// Export in a real browser: the zip and a chart's CSV download (the links are not taken over by Blazor's navigation),
/// and Copy puts the snippet on the clipboard.
/// </summary>
public sealed partial class RunExportTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task RunPage_Succeeded_DownloadsTheZipAndACsvAndCopiesTheSnippet()
    {
        var page = await fixture.NewPageAsync();
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = fixture.BaseAddress.GetLeftPart(UriPartial.Authority) });
        await page.GotoAsync("/login");
        await page.GetByLabel("User name").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync(BrowserFixture.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Run job" })).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await page.GetByLabel("Train size").FillAsync("300");
        await page.GetByLabel("Test size").FillAsync("100");
        await page.GetByLabel("Hidden sizes").FillAsync("3,5");
        await page.GetByLabel("Max iterations").FillAsync("20");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run job" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(RunUrl(), new() { Timeout = 60_000 });
        var runId = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        await Assertions.Expect(page.Locator(".page-head .badge")).ToHaveTextAsync("Succeeded", new() { Timeout = 120_000 });
        var export = page.Locator("#export");
        await Assertions.Expect(export).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#results").GetByRole(AriaRole.Link, new() { Name = "Download the accuracy and surface agreement as CSV" })).ToBeVisibleAsync(new() { Timeout = 30_000 });

        var zip = await page.RunAndWaitForDownloadAsync(() => export.GetByRole(AriaRole.Link, new() { NameRegex = ZipLink() }).ClickAsync());
        var csv = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download the accuracy and surface agreement as CSV" }).ClickAsync());
        await export.GetByRole(AriaRole.Button, new() { Name = "Copy the DuckDB code" }).ClickAsync();
        await Assertions.Expect(export.Locator("[data-copy-status='snippet-duckdb']")).ToHaveTextAsync("Copied.");
        var copied = await page.EvaluateAsync<string>("navigator.clipboard.readText()");
        await export.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "12-run-export.png") });

        Assert.Equal($"{runId}.zip", zip.SuggestedFilename);
        await using (var archive = new ZipArchive(File.OpenRead(await zip.PathAsync()), ZipArchiveMode.Read))
        {
            Assert.Contains($"{runId}/_manifest.json", archive.Entries.Select(e => e.FullName));
        }

        Assert.Equal($"{runId}-accuracy.csv", csv.SuggestedFilename);
        var rows = await File.ReadAllLinesAsync(await csv.PathAsync());
        Assert.StartsWith("n_hidden,train_acc,test_acc", rows[0], StringComparison.Ordinal);
        Assert.Equal(3, rows.Length);
        Assert.Equal(await export.Locator("#snippet-duckdb").TextContentAsync(), copied);
        Assert.Contains($"/runs/{runId}/", copied, StringComparison.Ordinal);
    }

    [GeneratedRegex("/runs/[0-9]{8}-[0-9]{6}-[a-z0-9]{4}$")]
    private static partial Regex RunUrl();

    [GeneratedRegex("^Download the outputs")]
    private static partial Regex ZipLink();
}
