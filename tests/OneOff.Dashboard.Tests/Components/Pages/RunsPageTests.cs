using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Core.Runs;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Dashboard.Tests.Runs;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Components.Pages;

/// <summary>The run list on <c>/</c> as the server renders it for a signed-in Viewer, from the query string.</summary>
public sealed partial class RunsPageTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private DashboardApp App => fixture.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<RunSnapshot> AddAsync(RunRecord record) =>
        await App.Services.GetRequiredService<RunStore>().AddIfAbsentAsync(record, Ct) ?? throw new InvalidOperationException($"Run {record.Id} exists.");

    private async Task<string> GetAsync(string userName, string url)
    {
        using var client = await App.SignedInClientAsync(userName, DashboardRoles.Viewer);
        using var response = await client.GetAsync(new Uri(url, UriKind.Relative), Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(html);
    }

    private static List<string> RunIds(string html) => [.. RunLink().Matches(html).Select(m => m.Groups[1].Value)];

    [Fact]
    public async Task Get_FailedRun_ShowsTheFirstLineOfItsReasonAndTheWholeReasonInItsTitle()
    {
        var reason = "exited with code 1: the hidden size 2000 needs more memory than this machine has\n   at OneOff.Jobs.Training.ModelFit.Run()";
        var run = await AddAsync(RunListSeed.Record("20261101-000001-fail", "page-fail", RunListSeed.T0, RunState.Failed, error: reason));

        var html = await GetAsync("viewer-fail", "/?by=page-fail");

        Assert.Equal([run.Id], RunIds(html));
        var cell = FailReason().Match(html);
        Assert.True(cell.Success, "no failure reason on the page");
        Assert.Equal(reason, cell.Groups[1].Value.Replace("&#xA;", "\n", StringComparison.Ordinal));
        Assert.Equal("exited with code 1: the hidden size 2000 needs more memory than this machine has …", cell.Groups[2].Value);
    }

    [Fact]
    public async Task Get_Parameters_ShowsOnlyWhatDiffersFromTheDefaults()
    {
        await AddAsync(RunListSeed.Record("20261101-000002-dflt", "page-params", RunListSeed.T0, RunState.Succeeded, bestN: 50, parameters: new RunParameters()));
        await AddAsync(RunListSeed.Record("20261101-000003-chgd", "page-params", RunListSeed.T0.AddMinutes(1), RunState.Succeeded, bestN: 50,
            parameters: new RunParameters { DataSeed = 7, Jitter = 0.2, Tol = 1e-5 }));

        var html = await GetAsync("viewer-params", "/?by=page-params");

        Assert.Matches(">defaults</td>", html);
        Assert.Contains(">data seed 7 · jitter 0.2 · tol 1e-5</td>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, "/?page=abc", "'abc' is not a page number: showing page 1.")]
    [InlineData(2, "/?sort=nonsense", "There is no sort 'nonsense' (created, duration, best or state): the newest runs come first.")]
    [InlineData(3, "/?page=-3&dir=up", "There is no direction 'up' (asc or desc): sorted descending.")]
    [InlineData(4, "/?state=%3Cscript%3E", "There is no state '<script>'")]
    [InlineData(5, "/?best=many&since=later", "'many' is not a best N")]
    [InlineData(6, "/?page=999999", "There is no page 999999:")]
    public async Task Get_BadQueryValue_AnswersTheListWithOneClearLine(int user, string url, string notice)
    {
        var html = await GetAsync($"viewer-bad-{user}", url);

        Assert.Contains(notice, html, StringComparison.Ordinal);
        Assert.Contains("id=\"runs-title\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_FilteredSortedPage_ShowsThoseRunsAndItsLinksKeepTheQuery()
    {
        for (var i = 0; i < 30; i++)
        {
            await AddAsync(RunListSeed.Record($"20261102-{i:000000}-page", "page-pager", RunListSeed.T0.AddMinutes(i), i % 2 == 0 ? RunState.Failed : RunState.Succeeded,
                duration: TimeSpan.FromSeconds(100 + i), bestN: i % 2 == 0 ? null : 5));
        }

        var html = await GetAsync("viewer-pager", "/?by=page-pager&state=failed&sort=duration");

        var ids = RunIds(html);
        var failed = Enumerable.Range(0, 30).Where(i => i % 2 == 0).OrderByDescending(i => i).Select(i => $"20261102-{i:000000}-page");
        Assert.Equal(failed, ids);
        Assert.Contains("1–15 of 15", html, StringComparison.Ordinal);
        Assert.Matches("aria-sort=\"descending\"[^>]*>\\s*<a href=\"[^\"]*\\?by=page-pager&state=failed&sort=duration&dir=asc\"", html);

        var all = await GetAsync("viewer-pager2", "/?by=page-pager&page=2");

        Assert.Contains("26–30 of 30", all, StringComparison.Ordinal);
        Assert.Equal(5, RunIds(all).Count);
        Assert.Contains("aria-current=\"page\">2</span>", all, StringComparison.Ordinal);
        Assert.Matches("href=\"[^\"]*by=page-pager\"[^>]*rel=\"prev\"", all);
    }

    [GeneratedRegex("<a class=\"mono run-link\" href=\"runs/([a-z0-9-]+)\"")]
    private static partial Regex RunLink();

    [GeneratedRegex("<div class=\"fail-reason\" title=\"([^\"]*)\">([^<]*)</div>", RegexOptions.Singleline)]
    private static partial Regex FailReason();
}
