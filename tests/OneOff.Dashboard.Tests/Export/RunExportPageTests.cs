using System.Net;
using System.IO.Compression;
using System.Text.RegularExpressions;
using OneOff.Dashboard.Export;
using OneOff.Testing;
using Parquet;

namespace OneOff.Dashboard.Tests.Export;

/// <summary>
/// The run page's Export card as a signed-in Viewer gets it: the zip link, and the two Python snippets, whose files and
/// columns are checked against the Parquet schemas of the zip's own files.
/// </summary>
public sealed partial class RunExportPageTests(ExportFixture fixture) : IClassFixture<ExportFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunPage_Succeeded_LinksTheZipAndGivesBothSnippetsWithTheRunsFolder()
    {
        var page = await PageAsync(ExportFixture.RunId);
        var snippets = Snippets(page);

        Assert.Contains($"href=\"{RunExportEndpoints.ZipPath(ExportFixture.RunId)}\" download=\"{ExportFixture.RunId}.zip\"", page, StringComparison.Ordinal);
        Assert.Equal([PythonSnippets.PandasId, PythonSnippets.DuckDbId], snippets.Keys);
        var folder = fixture.RunFolder + "/";
        Assert.All(snippets.Values, code => Assert.Contains($"run = \"{folder}\"", code, StringComparison.Ordinal));
        Assert.True(Directory.Exists(folder));
        foreach (var id in snippets.Keys)
        {
            Assert.Contains($"data-copy=\"{id}\"", page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RunPage_Succeeded_NamesNoServerPathButTheRunsOwnFolder()
    {
        var page = await PageAsync(ExportFixture.RunId);
        var folder = fixture.RunFolder + "/";

        var dataRootMentions = Regex.Count(page, Regex.Escape(fixture.App.DataRoot));
        var folderMentions = Regex.Count(page, Regex.Escape(folder));

        Assert.Equal(2, folderMentions);
        Assert.Equal(folderMentions, dataRootMentions);
        Assert.DoesNotContain(AppContext.BaseDirectory, page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunPage_StillRunning_HasNoExport()
    {
        var page = await PageAsync(fixture.RunningId);

        Assert.DoesNotContain("export.zip", page, StringComparison.Ordinal);
        Assert.DoesNotContain(PythonSnippets.PandasId, page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Snippets_NameTheTablesFilesAndColumnsTheZipHolds()
    {
        var tables = await ZipTablesAsync();
        var snippets = Snippets(await PageAsync(ExportFixture.RunId));

        var pandas = PandasTable().Matches(snippets[PythonSnippets.PandasId])
            .ToDictionary(m => m.Groups["folder"].Value, m => Columns(m.Groups["columns"].Value));
        var duckDb = DuckDbTable().Matches(snippets[PythonSnippets.DuckDbId])
            .Select(m => (Glob: m.Groups["glob"].Value, Hive: m.Groups["hive"].Success, View: m.Groups["view"].Value, Columns: Columns(m.Groups["columns"].Value)))
            .ToList();

        Assert.Equal(tables.Keys.Order(StringComparer.Ordinal), pandas.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(tables.Keys.Order(StringComparer.Ordinal), duckDb.Select(t => t.View).Order(StringComparer.Ordinal));
        foreach (var (table, (columns, files, partitioned)) in tables)
        {
            Assert.Equal(columns, pandas[table]);
            var view = duckDb.Single(t => t.View == table);
            Assert.Equal(columns, view.Columns);
            Assert.Equal(partitioned, view.Hive);
            var glob = new Regex("^" + Regex.Escape(view.Glob).Replace(@"\*", "[^/]*", StringComparison.Ordinal) + "$");
            Assert.All(files, f => Assert.Matches(glob, f));
        }

        Assert.Contains($"/{RunTables.ManifestFile(ExportFixture.RunId)}\"", snippets[PythonSnippets.PandasId], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Snippets_AreValidPython()
    {
        var python = ProcessRunner.FindOnPath("python3");
        Assert.SkipWhen(python is null, "No python3 on PATH to check the snippets' syntax.");
        var snippets = Snippets(await PageAsync(ExportFixture.RunId)).Values
            .Concat(PythonSnippets.For("s3://my-bucket/oneoff", ExportFixture.RunId).Select(s => s.Code))
            .Concat(PythonSnippets.For("/data/it's \"quoted\" \\ here", ExportFixture.RunId).Select(s => s.Code));

        foreach (var code in snippets)
        {
            // Parsed, never run: this machine's Python has neither pandas nor duckdb.
            var result = await ProcessRunner.RunAsync(python!, ["-c", "import ast, sys; ast.parse(sys.stdin.read())"], stdin: code);
            Assert.True(result.ExitCode == 0, result.StdErr + "\n" + code);
        }
    }

    [Fact]
    public async Task CopyScript_IsServedFromTheSitesOwnFiles()
    {
        using var anonymous = fixture.App.Client();

        using var response = await anonymous.GetAsync(new Uri("/copy.js", UriKind.Relative), Token);
        var script = await response.Content.ReadAsStringAsync(Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data-copy", script, StringComparison.Ordinal);
        Assert.Contains("navigator.clipboard.writeText", script, StringComparison.Ordinal);
    }

    private async Task<string> PageAsync(string runId)
    {
        using var response = await fixture.Viewer.GetAsync(new Uri($"/runs/{runId}", UriKind.Relative), Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Token);
    }

    /// <summary>Per table of the zip: its columns (Parquet schema, then the Hive partition column), its files relative to the run folder, whether it is partitioned.</summary>
    private async Task<Dictionary<string, (string[] Columns, List<string> Files, bool Partitioned)>> ZipTablesAsync()
    {
        var bytes = await fixture.Viewer.GetByteArrayAsync(new Uri(RunExportEndpoints.ZipPath(ExportFixture.RunId), UriKind.Relative), Token);
        await using var zip = await ZipArchive.CreateAsync(new MemoryStream(bytes), ZipArchiveMode.Read, leaveOpen: false, entryNameEncoding: null, Token);
        var tables = new Dictionary<string, (string[] Columns, List<string> Files, bool Partitioned)>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith(".parquet", StringComparison.Ordinal)))
        {
            var relative = entry.FullName[(ExportFixture.RunId.Length + 1)..];
            var segments = relative.Split('/');
            var partition = segments.Length == 3 ? segments[1].Split('=')[0] : null;
            using var copy = new MemoryStream();
            var stream = await entry.OpenAsync(Token);
            await using (stream)
            {
                await stream.CopyToAsync(copy, Token);
            }

            copy.Position = 0;
            await using var reader = await ParquetReader.CreateAsync(copy, cancellationToken: Token);
            string[] columns = [.. reader.Schema.GetDataFields().Select(f => f.Name), .. partition is null ? [] : new[] { partition }];
            if (tables.TryGetValue(segments[0], out var known))
            {
                Assert.Equal(known.Columns, columns);
                known.Files.Add(relative);
            }
            else
            {
                tables[segments[0]] = (columns, [relative], partition is not null);
            }
        }

        return tables;
    }

    private static Dictionary<string, string> Snippets(string page) =>
        CodeBlock().Matches(page).ToDictionary(m => m.Groups["id"].Value, m => WebUtility.HtmlDecode(m.Groups["code"].Value));

    private static string[] Columns(string list) => [.. list.Split(',', StringSplitOptions.TrimEntries)];

    [GeneratedRegex("<code id=\"(?<id>snippet-[a-z]+)\"[^>]*>(?<code>.*?)</code>", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex("^(?<name>\\w+) = table\\(\"(?<folder>[^\"]+)\"\\)  # columns: (?<columns>.+)$", RegexOptions.Multiline)]
    private static partial Regex PandasTable();

    [GeneratedRegex("^con\\.read_parquet\\(run \\+ \"(?<glob>[^\"]+)\"(?<hive>, hive_partitioning=True)?\\)\\.create_view\\(\"(?<view>\\w+)\"\\)  # columns: (?<columns>.+)$", RegexOptions.Multiline)]
    private static partial Regex DuckDbTable();
}
