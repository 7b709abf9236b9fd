using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging.Console;
using OneOff.Core.Runs;
using OneOff.Dashboard.Configuration;

namespace OneOff.Dashboard.Smoke;

/// <summary>
/// <c>OneOff.Dashboard smoke [--keep] [--lease-check] [--timeout MINUTES]</c>: the one-time check on a real AWS
/// account of what no stand-in can prove (ARCHITECTURE "Testing Aws mode without an account"; deploy/README.md,
/// "The smoke run"). It composes the app exactly as Aws mode does (appsettings.json beside the app, environment
/// variables, <see cref="DashboardHostingExtensions.AddOneOffDashboard"/>), builds the host without starting it
/// (no web server, no scheduler, no reaper) and runs its checks through the app's own services. One line per item
/// on stdout, progress on stderr. Exit 0 when every item is confirmed, ran on the stand-in or is not checkable
/// here; 1 when one is NOT confirmed; 2 for bad arguments or a bad setting (one line, as at start).
/// </summary>
internal static class SmokeVerb
{
    public const string Verb = "smoke";

    /// <summary>The default of <c>--timeout</c>: on AWS the clusters take 10 to 20 minutes, the lease check's about 30.</summary>
    public const int DefaultTimeoutMinutes = 60;

    public const string Usage = """
        Usage: OneOff.Dashboard smoke [--keep] [--lease-check] [--timeout MINUTES]

        Checks once, on the AWS account the dashboard is configured for, what only an account can prove: S3 and
        EMR accept the app's signed requests and its role may do what the app does; a tiny job runs end to end on
        a throwaway EMR cluster (real timings, the cluster's end and cost, its step logs in S3), a job meant to fail
        reports EMR's failure details and its log's last lines, a cancelled cluster terminates; Athena's items.
        Each item is one line: confirmed, NOT confirmed: why, or not checkable here: why. With AWS_ENDPOINT_URL*
        set (the stand-ins of tests/standins/start) what only an account can prove is "not checkable here".

        It uses the dashboard's configuration: appsettings.json beside the app and environment variables
        (OneOff__Mode=Aws and the OneOff__Aws__... settings of deploy/README.md); credentials from the default chain.
        It costs three small clusters for up to about 15 minutes each (about $0.25 at us-east-1 list prices).

          --keep          keep the smoke runs' outputs under runs/smoke-*/ and smoke/{id}/report.txt
                          (the dashboard then lists the published one); by default they are removed
          --lease-check   also start a cluster with a 10-minute lease and a job too long to finish, and see the
                          lease end it (one more cluster for about 20 minutes)
          --timeout MIN   terminate every cluster and stop after MIN minutes (default 60)

        Exit 0 when nothing is NOT confirmed; 1 when something is; 2 when the arguments or a setting are wrong.
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(environment);
        if (args.Any(a => a is "--help" or "-h" or "-?"))
        {
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            return 0;
        }

        if (Parse(args, out var problem) is not { } settings)
        {
            await error.WriteLineAsync($"{Verb}: {problem}; see '{Verb} --help'.").ConfigureAwait(false);
            return 2;
        }

        var hosts = new List<WebApplication>();
        try
        {
            var app = Compose(null);
            hosts.Add(app);
            if (DashboardHostingExtensions.StartupProblem(app.Services) is { } startup)
            {
                await error.WriteLineAsync(startup).ConfigureAwait(false);
                return 2;
            }

            if (app.Services.GetRequiredService<ModeSelection>().Mode != OneOffMode.Aws)
            {
                await error.WriteLineAsync($"{Verb}: OneOff:Mode is Local; the smoke run checks an AWS deployment: set OneOff__Mode=Aws and the OneOff__Aws__... settings (deploy/README.md, step 2).").ConfigureAwait(false);
                return 2;
            }

            var time = app.Services.GetRequiredService<TimeProvider>();
            var smokeId = "smoke-" + RunKeys.NewRunId(time);
            var context = new SmokeContext(app.Services, environment, error, smokeId);
            SmokeContext ComposeLease(IReadOnlyDictionary<string, string?> overrides)
            {
                var lease = Compose(overrides);
                hosts.Add(lease);
                return new SmokeContext(lease.Services, environment, error, smokeId, sameRunAs: context);
            }

            await output.WriteLineAsync(context.Header()).ConfigureAwait(false);
            await output.FlushAsync().ConfigureAwait(false);
            using var interrupted = new CancellationTokenSource();
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
            void Interrupt(PosixSignalContext signal)
            {
                // Not the default (end the process): the clusters started so far are terminated first.
                signal.Cancel = true;
                context.Progress("interrupted: terminating the smoke run's clusters, then reporting");
                interrupted.Cancel();
            }

            var report = new SmokeReport();
            var runIds = new List<string>();
            try
            {
                await new SmokeRun(context, settings, ComposeLease).RunAsync(report, runIds, interrupted.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
            {
                // Before any cluster started: nothing to terminate; the items so far are reported.
            }

            if (interrupted.IsCancellationRequested)
            {
                report.Add(SmokeItem.NotConfirmed("smoke.interrupted", "the smoke run was interrupted; the items above are what it saw until then"));
            }

            foreach (var item in report.Items)
            {
                await output.WriteLineAsync(item.Line).ConfigureAwait(false);
            }

            await output.WriteLineAsync(report.Summary).ConfigureAwait(false);
            await output.WriteLineAsync(await KeepOrRemoveAsync(context, settings, report, runIds).ConfigureAwait(false)).ConfigureAwait(false);
            return report.ExitCode;
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The settings of <paramref name="args"/>, or null with the <paramref name="problem"/>.</summary>
    internal static SmokeSettings? Parse(IReadOnlyList<string> args, out string problem)
    {
        bool keep = false, lease = false;
        var timeout = DefaultTimeoutMinutes;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--keep":
                    keep = true;
                    break;
                case "--lease-check":
                    lease = true;
                    break;
                case "--timeout" when i + 1 < args.Count && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) && minutes is >= 1 and <= 600:
                    timeout = minutes;
                    i++;
                    break;
                case "--timeout":
                    problem = $"--timeout needs a whole number of minutes from 1 to 600 (got '{(i + 1 < args.Count ? args[i + 1] : "nothing")}')";
                    return null;
                default:
                    problem = $"unknown argument '{args[i]}' (it takes --keep, --lease-check and --timeout MINUTES)";
                    return null;
            }
        }

        problem = "";
        return new SmokeSettings(keep, lease, TimeSpan.FromMinutes(timeout));
    }

    /// <summary>The app as Aws mode composes it, built but not started; <paramref name="overrides"/> win over every other setting.</summary>
    private static WebApplication Compose(IReadOnlyDictionary<string, string?>? overrides)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter<ConsoleLoggerProvider>(null, LogLevel.Warning);
        builder.AddOneOffDashboard();
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        return builder.Build();
    }

    /// <summary>Removes the smoke run's objects, or with <c>--keep</c> adds the report beside them; the line that says which.</summary>
    private static async Task<string> KeepOrRemoveAsync(SmokeContext context, SmokeSettings settings, SmokeReport report, IReadOnlyList<string> runIds)
    {
        var runs = $"{context.Store.Root}/runs/{context.SmokeId}-*/";
        var logs = context.Emr.ResolveLogUri(context.Store.Location);
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            if (settings.Keep)
            {
                var text = string.Join('\n', [context.Header(), .. report.Items.Select(i => i.Line), report.Summary, ""]);
                var key = context.SmokePrefix + "report.txt";
                await context.Store.PutAsync(key, Encoding.UTF8.GetBytes(text), limit.Token).ConfigureAwait(false);
                return $"Kept (--keep): {runs} and {context.Store.Root}/{key}; the clusters' logs stay under {logs} until its lifecycle rule expires them.";
            }

            var removed = await StoreAndClusterChecks.CleanUpAsync(context, runIds, limit.Token).ConfigureAwait(false);
            return string.Create(CultureInfo.InvariantCulture,
                $"Removed the smoke run's objects ({removed}) under {runs} and {context.Store.Root}/{context.SmokePrefix} (--keep keeps them); the clusters' logs stay under {logs} until its lifecycle rule expires them.");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"Could not {(settings.Keep ? "write the report beside" : "remove")} the smoke run's objects under {runs}: {e.Message}";
        }
    }
}
