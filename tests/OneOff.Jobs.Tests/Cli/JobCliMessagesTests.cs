using OneOff.Jobs.Cli;
using OneOff.Core.Runs;
using OneOff.Testing;

namespace OneOff.Jobs.Tests.Cli;

public sealed class JobCliMessagesTests
{
    [Theory]
    [InlineData("--hidden", "")]
    [InlineData("--model-seed", "   ")]
    [InlineData("--tol", "")]
    public async Task Sweep_EmptyValue_ExitsTwoWithOneLineAndRunsNothing(string flag, string value)
    {
        using var folder = new TempFolder();

        var outcome = await Infrastructure.Cli.RunAsync(["sweep", "--out", folder.Path, flag, value]);

        Assert.Equal(JobCli.Usage, outcome.ExitCode);
        Assert.StartsWith($"oneoff-job: {flag} is empty; pass ", Assert.Single(outcome.ErrorLines), StringComparison.Ordinal);
        Assert.Empty(folder.Files());
    }

    [Fact]
    public async Task Sweep_OverLongValue_IsRefused()
    {
        using var folder = new TempFolder();

        var outcome = await Infrastructure.Cli.RunAsync(["sweep", "--out", folder.Path, "--hidden", string.Join(',', Enumerable.Repeat("5", 300))]);

        Assert.Equal(JobCli.Usage, outcome.ExitCode);
        Assert.Contains("--hidden is too long (599 characters; at most 200)", Assert.Single(outcome.ErrorLines), StringComparison.Ordinal);
        Assert.Empty(folder.Files());
    }

    [Fact]
    public async Task Run_UnknownCommand_SaysItIsNotACommandAndNamesTheCommands()
    {
        var outcome = await Infrastructure.Cli.RunAsync(["frobnicate"]);

        Assert.Equal(JobCli.Usage, outcome.ExitCode);
        Assert.Equal(
            "oneoff-job: 'frobnicate' is not a command; use one of sweep, generate, train, publish. See 'oneoff-job --help'.",
            Assert.Single(outcome.ErrorLines));
    }

    [Fact]
    public async Task Run_NoCommand_SaysNoCommandWasGiven()
    {
        var outcome = await Infrastructure.Cli.RunAsync([]);

        Assert.Equal(JobCli.Usage, outcome.ExitCode);
        Assert.StartsWith("oneoff-job: no command given; use one of sweep, generate, train, publish.", Assert.Single(outcome.ErrorLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/proc/x", "--out '/proc/x' cannot be written: ")]
    [InlineData("s3://", "--out 's3://' is not usable: 's3://' has no bucket name: write it as s3://bucket/prefix")]
    public async Task Sweep_UnusableOut_OneLineInOurWordsWithNoResourceKeys(string root, string expected)
    {
        using var process = Infrastructure.Cli.Start("sweep", "--out", root);
        var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(JobCli.Usage, process.ExitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("_Name", line, StringComparison.Ordinal);
        Assert.DoesNotContain("IO_", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Parameter", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_SizeNotInTheRun_SaysSoWithoutADoubledQuote()
    {
        using var folder = new TempFolder();
        Assert.Equal(0, (await Infrastructure.Cli.RunAsync(["generate", .. Infrastructure.Cli.Small(folder.Path, "gen1")])).ExitCode);

        var outcome = await Infrastructure.Cli.RunAsync(["train", "--out", folder.Path, "--run-id", "gen1", "--n-hidden", "9"]);

        Assert.Equal(JobCli.Usage, outcome.ExitCode);
        var line = Assert.Single(outcome.ErrorLines);
        Assert.Contains("--n-hidden 9 is not one of the hidden sizes of run 'gen1' (3,8,20)", line, StringComparison.Ordinal);
        Assert.DoesNotContain("''", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_BeforeTrain_IsAUsageErrorThatSaysNothingFailed()
    {
        using var folder = new TempFolder();
        Assert.Equal(0, (await Infrastructure.Cli.RunAsync(["generate", .. Infrastructure.Cli.Small(folder.Path, "gen1")])).ExitCode);

        var outcome = await Infrastructure.Cli.RunAsync(["publish", "--out", folder.Path, "--run-id", "gen1"]);

        Assert.Equal(JobCli.Usage, outcome.ExitCode);
        var line = Assert.Single(outcome.ErrorLines);
        Assert.DoesNotContain("failed", line, StringComparison.Ordinal);
        Assert.Contains("has no outputs yet for hidden size(s) 3,8,20; run `oneoff-job train --run-id gen1 --n-hidden N` for each", line, StringComparison.Ordinal);
        Assert.False(File.Exists(folder[RunKeys.Manifest("gen1")]));
    }

    [Fact]
    public async Task Publish_AfterTrain_SaysPublishingOnce()
    {
        using var folder = new TempFolder();
        Assert.Equal(0, (await Infrastructure.Cli.RunAsync(["generate", .. Infrastructure.Cli.Small(folder.Path, "gen1")])).ExitCode);
        foreach (var n in new[] { "3", "8", "20" })
        {
            Assert.Equal(0, (await Infrastructure.Cli.RunAsync(["train", "--out", folder.Path, "--run-id", "gen1", "--n-hidden", n])).ExitCode);
        }

        var outcome = await Infrastructure.Cli.RunAsync(["publish", "--out", folder.Path, "--run-id", "gen1"]);

        Assert.Equal(JobCli.Success, outcome.ExitCode);
        Assert.Single(outcome.ErrorLines, l => l == "publishing");
        Assert.True(File.Exists(folder[RunKeys.Manifest("gen1")]));
    }
}
