using System.Collections.Immutable;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Core.Runs;
using OneOff.Core.Storage;
using OneOff.Dashboard.Components.Controls;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Export;
using OneOff.Dashboard.Runs;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Components.Controls;

/// <summary>The Export card: shown for a succeeded run only, its zip's size, both snippets with Copy buttons, the copy script loaded.</summary>
public sealed class RunExportTests : BunitContext
{
    private readonly TempFolder _folder = new();

    public RunExportTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton<IObjectStore>(new FolderObjectStore(_folder.Path));
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Static", isInteractive: false));
    }

    [Fact]
    public async Task Render_Succeeded_LinksTheZipWithItsSizeAndGivesTwoCopyableSnippets()
    {
        var store = new FolderObjectStore(_folder.Path);
        await store.PutAsync(RunKeys.Train("r1"), new byte[2_500_000], Xunit.TestContext.Current.CancellationToken);
        await store.PutAsync(RunKeys.Manifest("r1"), new byte[40_000], Xunit.TestContext.Current.CancellationToken);

        var card = Render<RunExport>(p => p.Add(c => c.Run, Run("r1", RunState.Succeeded)));

        var zip = card.Find("a.export-zip");
        Assert.Equal("/runs/r1/export.zip", zip.GetAttribute("href"));
        Assert.Equal("r1.zip", zip.GetAttribute("download"));
        Assert.Contains("(zip, 2.5 MB)", zip.TextContent, StringComparison.Ordinal);
        var codes = card.FindAll("pre code");
        Assert.Equal([PythonSnippets.PandasId, PythonSnippets.DuckDbId], codes.Select(c => c.Id));
        Assert.All(codes, c => Assert.Contains($"run = \"{_folder.Path}/runs/r1/\"", c.TextContent, StringComparison.Ordinal));
        Assert.Equal(codes.Select(c => c.Id), card.FindAll("button[data-copy]").Select(b => b.GetAttribute("data-copy")));
        Assert.Equal(codes.Select(c => c.Id), card.FindAll("[data-copy-status]").Select(s => s.GetAttribute("data-copy-status")));
    }

    [Theory]
    [InlineData(RunState.Running)]
    [InlineData(RunState.Failed)]
    [InlineData(RunState.Cancelled)]
    public void Render_NotSucceeded_ShowsNothing(RunState state)
    {
        var card = Render<RunExport>(p => p.Add(c => c.Run, Run("r2", state)));

        Assert.Empty(card.Markup.Trim());
    }

    [Fact]
    public void Render_Interactive_ImportsTheCopyScript()
    {
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));

        Render<RunExport>(p => p.Add(c => c.Run, Run("r3", RunState.Succeeded)));

        var import = Assert.Single(JSInterop.Invocations, i => i.Identifier == "import");
        Assert.EndsWith("copy.js", import.Arguments[0]?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RunSucceedsWhileThePageIsOpen_ImportsTheCopyScriptOnce()
    {
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        var card = Render<RunExport>(p => p.Add(c => c.Run, Run("r4", RunState.Running)));
        var importedWhileRunning = JSInterop.Invocations.Count(i => i.Identifier == "import");

        card.Render(p => p.Add(c => c.Run, Run("r4", RunState.Succeeded)));
        card.Render(p => p.Add(c => c.Run, Run("r4", RunState.Succeeded)));

        Assert.Equal(0, importedWhileRunning);
        Assert.Single(JSInterop.Invocations, i => i.Identifier == "import");
        Assert.NotEmpty(card.FindAll("button[data-copy]"));
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(999, "999 B")]
    [InlineData(1_000, "1 kB")]
    [InlineData(48_213_000, "48.2 MB")]
    [InlineData(3_000_000_000, "3 GB")]
    public void Size_ReadsAsPeopleReadIt(long bytes, string expected) => Assert.Equal(expected, RunExport.Size(bytes));

    protected override void Dispose(bool disposing)
    {
        _folder.Dispose();
        base.Dispose(disposing);
    }

    private static RunSnapshot Run(string id, RunState state) =>
        new(id, state, "admin", new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), null, null, new RunParameters(), ImmutableArray<SizeProgress>.Empty, null, null);
}
