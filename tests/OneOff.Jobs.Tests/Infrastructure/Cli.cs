using System.Diagnostics;
using OneOff.Jobs.Cli;

namespace OneOff.Jobs.Tests.Infrastructure;

/// <summary>Runs <c>oneoff-job</c> in-process with captured output.</summary>
public static class Cli
{
    public sealed record Outcome(int ExitCode, string Out, string Error)
    {
        public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static async Task<Outcome> RunAsync(params string[] args) => await RunAsync(args, CancellationToken.None);

    public static async Task<Outcome> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await JobCli.RunAsync(args, new CliConsole(TextWriter.Synchronized(output), TextWriter.Synchronized(error), Interactive: false), TimeProvider.System, cancellationToken);
        return new Outcome(code, output.ToString().Replace("\r", "", StringComparison.Ordinal), error.ToString().Replace("\r", "", StringComparison.Ordinal));
    }

    /// <summary>The built <c>oneoff-job</c> beside the tests, started as a real process.</summary>
    public static Process Start(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "oneoff-job.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start oneoff-job");
    }

    /// <summary>Small, fast parameters for runs whose numbers don't matter.</summary>
    public static string[] Small(string outRoot, string runId, params string[] extra) =>
        ["--out", outRoot, "--run-id", runId, "--train-size", "600", "--test-size", "300", "--hidden", "3,8,20", "--max-iter", "30", .. extra];
}
