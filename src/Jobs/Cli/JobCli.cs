using System.CommandLine;
using OneOff.Aws.Storage;
using OneOff.Core.Storage;
using OneOff.Core.Runs;
using OneOff.Jobs.Study;
using OneOff.Jobs.Training;
using Spectre.Console;

namespace OneOff.Jobs.Cli;

/// <summary>The console the CLI talks to (real in production, captured in tests).</summary>
/// <param name="Out">stdout: <c>--json</c> events and the final summary.</param>
/// <param name="Error">stderr: progress and errors.</param>
/// <param name="Interactive">True when stderr is a terminal: show the live display.</param>
public sealed record CliConsole(TextWriter Out, TextWriter Error, bool Interactive);

/// <summary>
/// <c>oneoff-job</c>: <c>sweep</c>, <c>generate</c>, <c>train</c>, <c>publish</c>. Exit 0 on success, 2 on bad
/// arguments (one line on stderr naming the argument and the fix; nothing written), 1 on a failure at run time.
/// </summary>
public static class JobCli
{
    /// <summary>Exit code of a successful run.</summary>
    public const int Success = 0;

    /// <summary>Exit code of a failure at run time.</summary>
    public const int Failure = 1;

    /// <summary>Exit code of bad arguments.</summary>
    public const int Usage = 2;

    /// <summary>Parses <paramref name="args"/> and runs the command.</summary>
    public static async Task<int> RunAsync(string[] args, CliConsole console, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(time);
        var root = BuildCommands(console, time);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var command = parsed.CommandResult.Command;
            var name = command is RootCommand ? "oneoff-job" : $"oneoff-job {command.Name}";
            console.Error.WriteLine($"oneoff-job: {ParseErrorText(parsed)} See '{name} --help'.");
            return Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error }, cancellationToken).ConfigureAwait(false);
    }

    private static RootCommand BuildCommands(CliConsole console, TimeProvider time)
    {
        var root = new RootCommand("oneoff-job: the XO study. Generates a noisy X/O data set, trains one-hidden-layer MLPs for a sweep of sizes, and writes Parquet outputs and a manifest.");
        var outOption = new Option<string>("--out") { Description = "Output root: a folder, or s3://bucket/prefix. The run is written under ROOT/runs/{run-id}/.", Required = true, HelpName = "ROOT" };
        var jsonOption = new Option<bool>("--json") { Description = "Print one JSON event per line on stdout (started, iteration, model_done, published, failed)." };
        var precisionOption = new Option<Precision>("--precision") { Description = "Kernel precision (benchmarks).", Hidden = true, DefaultValueFactory = _ => Precision.Single };
        var parameterOptions = RunParameterTable.All.ToDictionary(
            p => p.Key,
            p => new Option<string?>(p.Flag) { Description = $"{p.ValidText}" + (p.DefaultText.Length > 0 ? $" (default {p.DefaultText})" : " (default: generated)"), HelpName = "VALUE" });
        var nHiddenOption = new Option<string>("--n-hidden") { Description = "The hidden-layer size this step trains (one of the run's --hidden sizes).", Required = true, HelpName = "N" };
        var runIdRequired = new Option<string>("--run-id") { Description = "The run this step belongs to.", Required = true, HelpName = "ID" };

        var sweep = new Command("sweep", "Run the whole study on this machine and publish it.");
        var generate = new Command("generate", "EMR step 1: write the train and test data and _parameters.json.");
        foreach (var command in new[] { sweep, generate })
        {
            command.Add(outOption);
            foreach (var option in parameterOptions.Values)
            {
                command.Add(option);
            }

            command.Add(jsonOption);
            command.Add(precisionOption);
        }

        sweep.SetAction((result, ct) => RunNewAsync(result, console, time, parameterOptions, outOption, jsonOption, precisionOption, sweepAll: true, ct));
        generate.SetAction((result, ct) => RunNewAsync(result, console, time, parameterOptions, outOption, jsonOption, precisionOption, sweepAll: false, ct));

        var train = new Command("train", "EMR step 2: train one hidden size of a generated run and write its grid, metrics and loss.") { outOption, runIdRequired, nHiddenOption, jsonOption, precisionOption };
        train.SetAction((result, ct) =>
        {
            var text = result.GetValue(nHiddenOption) ?? "";
            if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1 || n > 2000)
            {
                return Task.FromResult(UsageError(console, $"--n-hidden must be a whole number from 1 to 2000 (got '{RunParameterParser.Echo(text)}'); pass one of the run's hidden sizes."));
            }

            return RunExistingAsync(result, console, time, outOption, runIdRequired, jsonOption, precisionOption, (study, id, token) => study.TrainAsync(id, n, token), ct);
        });

        var publish = new Command("publish", "EMR step 3: check every hidden size is present and write _manifest.json.") { outOption, runIdRequired, jsonOption };
        publish.SetAction((result, ct) => RunExistingAsync(result, console, time, outOption, runIdRequired, jsonOption, precisionOption, (study, id, token) => study.PublishAsync(id, token), ct));

        root.Add(sweep);
        root.Add(generate);
        root.Add(train);
        root.Add(publish);
        return root;
    }

    private static async Task<int> RunNewAsync(
        ParseResult result, CliConsole console, TimeProvider time, Dictionary<string, Option<string?>> parameterOptions,
        Option<string> outOption, Option<bool> jsonOption, Option<Precision> precisionOption, bool sweepAll, CancellationToken cancellationToken)
    {
        var raw = parameterOptions.ToDictionary(kv => kv.Key, kv => result.GetValue(kv.Value), StringComparer.Ordinal);
        var outcome = RunParameterParser.Parse(raw);
        if (!outcome.IsValid)
        {
            return UsageError(console, outcome.Errors[0].ForCli());
        }

        var p = outcome.Parameters;
        if (p.RunId.Length == 0)
        {
            p = p with { RunId = RunKeys.NewRunId(time) };
        }

        var store = OpenStore(result.GetValue(outOption), console, out var code);
        if (store is null)
        {
            return code;
        }

        return await ExecuteAsync(console, time, store, result.GetValue(jsonOption), result.GetValue(precisionOption), async (study, ct) =>
        {
            await study.EnsureNewAsync(p.RunId, ct).ConfigureAwait(false);
            if (sweepAll)
            {
                return await study.SweepAsync(p, ct).ConfigureAwait(false);
            }

            await study.GenerateAsync(p, ct).ConfigureAwait(false);
            return null;
        }, p.RunId, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> RunExistingAsync(
        ParseResult result, CliConsole console, TimeProvider time, Option<string> outOption, Option<string> runIdOption,
        Option<bool> jsonOption, Option<Precision> precisionOption, Func<XoStudy, string, CancellationToken, Task> step, CancellationToken cancellationToken)
    {
        var runId = result.GetValue(runIdOption) ?? "";
        if (!RunKeys.IsValidRunId(runId))
        {
            return UsageError(console, $"--run-id is not a valid run id (got '{runId}'); pass {RunParameterTable.RunId.ValidText}.");
        }

        var store = OpenStore(result.GetValue(outOption), console, out var code);
        if (store is null)
        {
            return code;
        }

        return await ExecuteAsync(console, time, store, result.GetValue(jsonOption), result.GetValue(precisionOption), async (study, ct) =>
        {
            await step(study, runId, ct).ConfigureAwait(false);
            return null;
        }, runId, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> ExecuteAsync(
        CliConsole console, TimeProvider time, IObjectStore store, bool json, Precision precision,
        Func<XoStudy, CancellationToken, Task<RunManifest?>> work, string runId, CancellationToken cancellationToken)
    {
        JsonEventsProgress? events = json ? new JsonEventsProgress(console.Out) : null;
        try
        {
            RunManifest? manifest;
            if (events is not null)
            {
                manifest = await work(new XoStudy(store, time, events, precision), cancellationToken).ConfigureAwait(false);
            }
            else if (console.Interactive)
            {
                var ansi = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Error) });
                manifest = await ansi.Progress()
                    .AutoClear(false)
                    .HideCompleted(false)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(ctx => work(new XoStudy(store, time, new LiveProgress(ctx), precision), cancellationToken)).ConfigureAwait(false);
            }
            else
            {
                manifest = await work(new XoStudy(store, time, new PlainProgress(console.Error), precision), cancellationToken).ConfigureAwait(false);
            }

            if (manifest is not null && events is null)
            {
                PrintSummary(console.Out, store, manifest);
            }

            return Success;
        }
        catch (StudyUsageException e)
        {
            return UsageError(console, e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Fail(console, events, $"run {runId} cancelled; nothing was published.");
        }
        catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or UnauthorizedAccessException or ObjectNotFoundException or Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or HttpRequestException)
        {
            return Fail(console, events, $"run {runId} failed: {e.Message}");
        }
#pragma warning disable CA1031 // The job must always end with a failed event and exit code 1, whatever broke.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Fail(console, events, $"run {runId} failed with an internal error: {e.GetType().Name}: {e.Message}");
        }
    }

    private static void PrintSummary(TextWriter output, IObjectStore store, RunManifest m)
    {
        output.WriteLine($"run {m.RunId} published under {store.Root}/runs/{m.RunId}/ in {m.Timings.TotalSeconds:F2} s");
        output.WriteLine($"{"N",6} {"train",8} {"test",8} {"surface",8} {"iters",6} {"loss",8} {"fit s",7}  stopped");
        foreach (var model in m.Models)
        {
            var mark = model.NHidden == m.BestNHidden ? "  <- best" : "";
            var stopped = StopReasons.ToWire(model.StopReason) ?? "-";
            output.WriteLine($"{model.NHidden,6} {model.TrainAcc,8:P1} {model.TestAcc,8:P1} {model.SurfaceAgree,8:P1} {model.Iterations,6} {model.FinalLoss,8:F4} {model.FitSeconds,7:F2}  {stopped,-11}{mark}".TrimEnd());
        }

        if (StopNote(m) is { } note)
        {
            output.WriteLine(note);
        }
    }

    /// <summary>One line under the summary when models did not converge: which, and what to change; null when all converged.</summary>
    internal static string? StopNote(RunManifest m)
    {
        var capped = m.Models.Where(x => x.StopReason == StopReason.MaxIter).Select(x => x.NHidden).ToList();
        var stalled = m.Models.Where(x => x.StopReason == StopReason.LineSearch).Select(x => x.NHidden).ToList();
        var notes = new List<string>(2);
        if (capped.Count > 0)
        {
            notes.Add($"N={string.Join(',', capped)} stopped at max_iter {m.Parameters.MaxIter} without converging (raise --max-iter to train longer)");
        }

        if (stalled.Count > 0)
        {
            notes.Add($"N={string.Join(',', stalled)} stopped when the line search found no lower loss (the loss is flat there: more iterations will not help)");
        }

        return notes.Count == 0 ? null : string.Join("; ", notes) + ".";
    }

    private static IObjectStore? OpenStore(string? root, CliConsole console, out int code)
    {
        code = Success;
        if (string.IsNullOrWhiteSpace(root))
        {
            code = UsageError(console, "--out is empty; pass a folder or s3://bucket/prefix.");
            return null;
        }

        try
        {
            if (!ObjectStores.IsS3(root) && WritableProblem(root) is { } problem)
            {
                code = UsageError(console, $"--out '{RunParameterParser.Echo(root)}' {problem}; pass a folder you can write to.");
                return null;
            }

            return ObjectStores.Open(root);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or InvalidOperationException)
        {
            code = UsageError(console, $"--out '{RunParameterParser.Echo(root)}' is not usable: {WithoutParameterName(e)}");
            return null;
        }
    }

    /// <summary>Why a local folder cannot be written, or null; leaves nothing behind.</summary>
    private static string? WritableProblem(string root)
    {
        var path = Path.GetFullPath(root);
        if (File.Exists(path))
        {
            return "is a file, not a folder";
        }

        var existing = path;
        while (!Directory.Exists(existing))
        {
            var parent = Path.GetDirectoryName(existing);
            if (parent is null)
            {
                return "has no existing parent folder";
            }

            if (File.Exists(parent))
            {
                return $"is under '{parent}', which is a file";
            }

            existing = parent;
        }

        var probe = Path.Combine(existing, $".oneoff-probe-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }

            return null;
        }
        // Our own words: with UseSystemResourceKeys the framework's messages are bare resource keys.
        catch (UnauthorizedAccessException)
        {
            return $"cannot be written: permission denied in '{existing}'";
        }
        catch (IOException)
        {
            return $"cannot be written: the system refused to create a file in '{existing}'";
        }
    }

    /// <summary>The first parse error in our words: an unknown or missing command names the commands there are.</summary>
    private static string ParseErrorText(ParseResult parsed)
    {
        if (parsed.CommandResult.Command is RootCommand root)
        {
            var commands = string.Join(", ", root.Subcommands.Select(c => c.Name));
            if (parsed.UnmatchedTokens.FirstOrDefault() is { } unknown && !unknown.StartsWith('-'))
            {
                return $"'{RunParameterParser.Echo(unknown)}' is not a command; use one of {commands}.";
            }

            if (parsed.UnmatchedTokens.Count == 0)
            {
                return $"no command given; use one of {commands}.";
            }
        }

        var message = parsed.Errors[0].Message;
        return message.EndsWith('.') ? message : message + ".";
    }

    /// <summary>
    /// An exception's message without the " (Parameter 'x')" an <see cref="ArgumentException"/> appends, which under
    /// UseSystemResourceKeys is the raw key "Arg_ParamName_Name".
    /// </summary>
    private static string WithoutParameterName(Exception e)
    {
        var message = e.Message;
        if (e is ArgumentException { ParamName: { Length: > 0 } name })
        {
            var suffix = new ArgumentException("", name).Message;
            if (suffix.Length > 0 && message.EndsWith(suffix, StringComparison.Ordinal))
            {
                message = message[..^suffix.Length];
            }
        }

        return message.Trim();
    }

    private static int UsageError(CliConsole console, string message)
    {
        console.Error.WriteLine($"oneoff-job: {message}");
        return Usage;
    }

    private static int Fail(CliConsole console, JsonEventsProgress? events, string message)
    {
        events?.Failed(message);
        console.Error.WriteLine($"oneoff-job: {message}");
        return Failure;
    }
}
