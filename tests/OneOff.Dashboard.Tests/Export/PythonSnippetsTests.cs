using OneOff.Core.Runs;
using OneOff.Dashboard.Export;

namespace OneOff.Dashboard.Tests.Export;

/// <summary>The snippets' tables come from the job's keys and schemas; an S3 root gets its s3:// prefix and credentials.</summary>
public sealed class PythonSnippetsTests
{
    private const string RunId = "20260101-000000-snip";

    [Fact]
    public void Tables_AreTheJobsKeysAndSchemas()
    {
        var tables = RunTables.Of(RunId).ToDictionary(t => t.Name);

        Assert.Equal(["train", "test", "grid", "metrics", "loss"], tables.Keys);
        Assert.Equal("train/*.parquet", tables["train"].Glob);
        Assert.Null(tables["train"].PartitionColumn);
        Assert.Equal(RunSchemas.Points.DataFields.Select(f => f.Name), tables["test"].Columns);
        Assert.Equal("grid/*/*.parquet", tables["grid"].Glob);
        Assert.Equal("n_hidden", tables["loss"].PartitionColumn);
        Assert.Equal([.. RunSchemas.Grid.DataFields.Select(f => f.Name), "n_hidden"], tables["grid"].Columns);
        Assert.Equal("_manifest.json", RunTables.ManifestFile(RunId));
    }

    [Fact]
    public void For_S3Root_ReadsTheRunsPrefixWithCredentials()
    {
        var snippets = PythonSnippets.For("s3://my-bucket/oneoff", RunId);

        Assert.All(snippets, s => Assert.Contains($"run = \"s3://my-bucket/oneoff/runs/{RunId}/\"", s.Code, StringComparison.Ordinal));
        Assert.Contains("CREATE SECRET (TYPE s3, PROVIDER credential_chain)", snippets[1].Code, StringComparison.Ordinal);
        Assert.Contains("LOAD httpfs", snippets[1].Code, StringComparison.Ordinal);
    }

    [Fact]
    public void For_Folder_NeedsNoExtension()
    {
        var snippets = PythonSnippets.For("/srv/oneoff/data/", RunId);

        Assert.All(snippets, s => Assert.Contains($"run = \"/srv/oneoff/data/runs/{RunId}/\"", s.Code, StringComparison.Ordinal));
        Assert.DoesNotContain("httpfs", snippets[1].Code, StringComparison.Ordinal);
        Assert.Contains("SELECT n_hidden, train_acc, test_acc, surface_agree FROM metrics ORDER BY n_hidden", snippets[1].Code, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/plain/path", "\"/plain/path\"")]
    [InlineData("it's \"q\"", "\"it's \\\"q\\\"\"")]
    [InlineData("back\\slash", "\"back\\\\slash\"")]
    [InlineData("new\nline", "\"new\\nline\"")]
    public void Literal_EscapesForPython(string value, string expected) => Assert.Equal(expected, PythonSnippets.Literal(value));

    [Fact]
    public void For_NotARunId_Throws() => Assert.Throws<ArgumentException>(() => PythonSnippets.For("/data", "../x"));
}
