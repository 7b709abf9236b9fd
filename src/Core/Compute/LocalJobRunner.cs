using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OneOff.Core.Runs;
using OneOff.Core.Storage;

namespace OneOff.Core.Compute;

/// <summary>Where <see cref="LocalJobRunner"/> finds the job and how it follows a re-attached one.</summary>
public sealed class LocalJobRunnerOptions
{
    /// <summary>
    /// The built job: <c>oneoff-job.dll</c> (started with the <c>dotnet</c> host that runs this process) or an
    /// executable. Required.
    /// </summary>
    public string JobPath { get; set; } = "";

    /// <summary>How often a re-attached job is polled (its outputs and whether it is alive); default 1 second.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Runs <c>oneoff-job sweep --out {store root} --run-id {id} --json …</c> as a child process of this machine
/// (with an allow-listed environment: the OS basics, <c>DOTNET_*</c>, <c>AWS_*</c>; never this process's secrets),
/// reads its JSON-lines events from stdout, keeps the last lines of stderr for a failure's reason, and kills the
/// whole process tree on cancel. The handle is the process id and its start time, so that a restarted control
/// plane can tell whether the job is still alive (and not a new process that reuses the id) and re-attach.
/// </summary>
public sealed class LocalJobRunner : IJobRunner
{
    /// <summary>The <see cref="JobHandle.Runner"/> of this runner's handles.</summary>
    public const string RunnerName = "local";

    private readonly LocalJobRunnerOptions _options;
    private readonly FolderObjectStore _store;
    private readonly ILogger<LocalJobRunner> _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates a runner whose jobs write to <paramref name="store"/> (the job's <c>--out</c> is its root).</summary>
    /// <param name="options">Where the job is; how often a re-attached job is polled.</param>
    /// <param name="store">The store the jobs write to.</param>
    /// <param name="logger">Logs starts, re-attachments and malformed event lines.</param>
    /// <param name="timeProvider">Times the polls of a re-attached job; the system clock by default.</param>
    public LocalJobRunner(LocalJobRunnerOptions options, FolderObjectStore store, ILogger<LocalJobRunner> logger, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.JobPath);
        _options = options;
        _store = store;
        _logger = logger;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public Task<IJobExecution> StartAsync(JobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        if (!File.Exists(_options.JobPath))
        {
            throw new JobStartException($"The job executable '{_options.JobPath}' does not exist; build the solution (dotnet build) so that oneoff-job is next to the dashboard.");
        }

        var start = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        if (_options.JobPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            start.FileName = DotnetHost();
            start.ArgumentList.Add(_options.JobPath);
        }
        else
        {
            start.FileName = _options.JobPath;
        }

        // Only what the job needs: the dashboard's environment holds its admin password and other secrets.
        JobEnvironment.Apply(start.Environment, Environment.GetEnvironmentVariables());

        RunKeys.ThrowIfInvalidRunId(request.RunId);
        foreach (var argument in (string[])["sweep", "--out", _store.Root, "--json", .. RunParameterParser.ToArguments(request.Parameters)])
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new JobStartException($"The job '{_options.JobPath}' did not start.");
        }
        catch (Win32Exception e)
        {
            throw new JobStartException($"The job '{_options.JobPath}' could not be started: {e.Message}", e);
        }

        process.StandardInput.Close();
        var handle = HandleOf(process);
        _logger.LogInformation("Started job for run {RunId} as process {Pid}", request.RunId, process.Id);
        return Task.FromResult<IJobExecution>(new ChildExecution(process, handle, _logger));
    }

    /// <inheritdoc />
    public Task<IJobExecution?> AttachAsync(string runId, JobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        if (!string.Equals(handle.Runner, RunnerName, StringComparison.Ordinal) || !TryParseId(handle.Id, out var pid, out var startTicks))
        {
            return Task.FromResult<IJobExecution?>(null);
        }

        var process = FindAlive(pid, startTicks);
        if (process is null)
        {
            return Task.FromResult<IJobExecution?>(null);
        }

        _logger.LogInformation("Re-attached to process {Pid} of run {RunId}", pid, runId);
        return Task.FromResult<IJobExecution?>(new AttachedExecution(process, handle, startTicks, runId, new StoreProgress(_store), _options.PollInterval, _time));
    }

    /// <inheritdoc />
    /// <remarks>A local job without a saved handle is not looked for: the start returns the handle as soon as the process exists, before it does any work.</remarks>
    public Task<IJobExecution?> FindStartedAsync(JobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.FromResult<IJobExecution?>(null);
    }

    /// <inheritdoc />
    public JobEstimate Estimate(RunParameters parameters) => new(WorkRate.Local.Duration(parameters), "on this machine");

    /// <summary>Whether the process of a local handle is alive: same id, same start time, not a zombie.</summary>
    internal static bool IsAlive(JobHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (!TryParseId(handle.Id, out var pid, out var ticks))
        {
            return false;
        }

        using var process = FindAlive(pid, ticks);
        return process is not null;
    }

    /// <summary>
    /// Reads one line of the job's <c>--json</c> stream: null for a blank line; null with a
    /// <paramref name="diagnostic"/> for a line that is not an event (<see cref="JobEventJson.Parse"/>).
    /// </summary>
    internal static JobEvent? ParseEvent(string line, out string? diagnostic)
    {
        diagnostic = null;
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        try
        {
            return JobEventJson.Parse(line);
        }
        catch (FormatException e)
        {
            diagnostic = e.Message;
            return null;
        }
    }

    /// <summary>A failed job's reason for its run record: its exit code and its last line on stderr.</summary>
    internal static string ReasonOf(int exitCode, string? stderrTail)
    {
        var lines = (stderrTail ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0
            ? string.Create(CultureInfo.InvariantCulture, $"the job exited with code {exitCode} without publishing")
            : string.Create(CultureInfo.InvariantCulture, $"the job exited with code {exitCode}: {lines[^1]}");
    }

    private static JobHandle HandleOf(Process process)
    {
        long ticks;
        try
        {
            ticks = StartTicks(process);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // The job ended (and was reaped) before its start time could be read: there is nothing to re-attach
            // to after a restart, and its exit code and output are still read through the Process object.
            ticks = 0;
        }

        return new(RunnerName, string.Create(CultureInfo.InvariantCulture, $"{process.Id}@{ticks}"));
    }

    private static long StartTicks(Process process) => process.StartTime.ToUniversalTime().Ticks;

    private static bool TryParseId(string id, out int pid, out long startTicks)
    {
        pid = 0;
        startTicks = 0;
        var at = id.IndexOf('@', StringComparison.Ordinal);
        return at > 0
            && int.TryParse(id.AsSpan(0, at), NumberStyles.None, CultureInfo.InvariantCulture, out pid)
            && long.TryParse(id.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out startTicks);
    }

    private static Process? FindAlive(int pid, long startTicks)
    {
        Process process;
        try
        {
            process = Process.GetProcessById(pid);
        }
        catch (ArgumentException)
        {
            return null;
        }

        try
        {
            // The start time tells the job from a later process that reuses its id (1 s: the clock's resolution).
            if (IsGone(process) || Math.Abs(StartTicks(process) - startTicks) > TimeSpan.TicksPerSecond)
            {
                process.Dispose();
                return null;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            process.Dispose();
            return null;
        }

        return process;
    }

    private static bool IsGone(Process process)
    {
        try
        {
            if (process.HasExited)
            {
                return true;
            }
        }
        catch (InvalidOperationException)
        {
            return true;
        }

        // An exited child that nobody has reaped yet still has an id: a zombie is not alive.
        if (OperatingSystem.IsLinux())
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{process.Id}/stat");
                var close = stat.LastIndexOf(')');
                return close < 0 || close + 2 >= stat.Length || stat[close + 2] is 'Z' or 'X';
            }
            catch (IOException)
            {
                return true;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }

        return false;
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has already exited.
        }
        catch (Win32Exception)
        {
            // It exited between the check and the signal, or is no longer ours to kill.
        }
    }

    private static string DotnetHost()
    {
        // The host that runs this process (…/dotnet), so the job runs on the same runtime; else the one on PATH.
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return current;
        }

        var fromEnvironment = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromEnvironment) && File.Exists(fromEnvironment))
        {
            return fromEnvironment;
        }

        var runtimeDir = RuntimeEnvironment.GetRuntimeDirectory();
        var root = Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", ".."));
        var candidate = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(candidate) ? candidate : "dotnet";
    }

    /// <summary>What both kinds of local execution share: the process, the event channel, cancel and detach.</summary>
    private abstract class ProcessExecution : IJobExecution
    {
        private Task<JobExit>? _completion;

        protected ProcessExecution(Process process, JobHandle handle)
        {
            Process = process;
            Handle = handle;
        }

        public JobHandle Handle { get; }

        public Task<JobExit> Completion => _completion ?? throw new InvalidOperationException("Not started.");

        protected Process Process { get; }

        protected Channel<JobEvent> Events { get; } = Channel.CreateUnbounded<JobEvent>(new() { SingleReader = true, SingleWriter = true });

        protected CancellationTokenSource Detach { get; } = new();

        public IAsyncEnumerable<JobEvent> ReadEventsAsync(CancellationToken cancellationToken = default) =>
            Events.Reader.ReadAllAsync(cancellationToken);

        public async Task CancelAsync(CancellationToken cancellationToken = default)
        {
            KillTree(Process);
            await Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        public async ValueTask DisposeAsync()
        {
            // Detaches without stopping the job: a restarted control plane re-attaches to it.
            await Detach.CancelAsync().ConfigureAwait(false);
            try
            {
                await Completion.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            Process.Dispose();
            Detach.Dispose();
        }

        /// <summary>Starts following; called last by the derived constructor.</summary>
        protected void Follow() => _completion = FollowCoreAsync();

        private async Task<JobExit> FollowCoreAsync()
        {
            try
            {
                return await FollowAsync(Detach.Token).ConfigureAwait(false);
            }
            finally
            {
                Events.Writer.TryComplete();
            }
        }

        /// <summary>Follows the job until it ends (or <paramref name="detach"/> fires); writes its events.</summary>
        protected abstract Task<JobExit> FollowAsync(CancellationToken detach);
    }

    /// <summary>
    /// A job this process started: events from its stdout. A stdout line that is not an event is logged and kept
    /// with the diagnostics (never turned into an event); a failure's reason is the last line on stderr.
    /// </summary>
    private sealed class ChildExecution : ProcessExecution
    {
        private const int DiagnosticLines = 20;
        private const int MalformedLines = 5;
        private readonly Queue<string> _stderrTail = new();
        private readonly Queue<string> _malformed = new();
        private readonly ILogger _logger;

        public ChildExecution(Process process, JobHandle handle, ILogger logger)
            : base(process, handle)
        {
            _logger = logger;
            Follow();
        }

        protected override async Task<JobExit> FollowAsync(CancellationToken detach)
        {
            var stdout = PumpStdoutAsync(detach);
            var stderr = PumpStderrAsync(detach);
            await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
            await Process.WaitForExitAsync(detach).ConfigureAwait(false);
            string? tail;
            string? diagnostics;
            lock (_stderrTail)
            {
                tail = _stderrTail.Count == 0 ? null : string.Join('\n', _stderrTail);
                diagnostics = _malformed.Count == 0 ? tail : string.Join('\n', [.. _malformed, .. _stderrTail]);
            }

            var code = Process.ExitCode;
            return new JobExit(code, code == 0 ? null : ReasonOf(code, tail), diagnostics);
        }

        private async Task PumpStdoutAsync(CancellationToken token)
        {
            await Task.Yield();
            while (await Process.StandardOutput.ReadLineAsync(token).ConfigureAwait(false) is { } line)
            {
                if (ParseEvent(line, out var diagnostic) is { } e)
                {
                    Events.Writer.TryWrite(e);
                }
                else if (diagnostic is not null)
                {
                    _logger.LogWarning("Job process {Pid} wrote a line that is not an event: {Diagnostic}", Process.Id, diagnostic);
                    Keep(_malformed, "stdout: " + diagnostic, MalformedLines);
                }
            }
        }

        private async Task PumpStderrAsync(CancellationToken token)
        {
            await Task.Yield();
            while (await Process.StandardError.ReadLineAsync(token).ConfigureAwait(false) is { } line)
            {
                if (line.Length != 0)
                {
                    Keep(_stderrTail, line, DiagnosticLines);
                }
            }
        }

        private void Keep(Queue<string> lines, string line, int limit)
        {
            lock (_stderrTail)
            {
                lines.Enqueue(line);
                if (lines.Count > limit)
                {
                    lines.Dequeue();
                }
            }
        }
    }

    /// <summary>A job started by an earlier process: progress from the store, its end from the process table.</summary>
    private sealed class AttachedExecution : ProcessExecution
    {
        private readonly long _startTicks;
        private readonly string _runId;
        private readonly StoreProgress _progress;
        private readonly TimeSpan _pollInterval;
        private readonly TimeProvider _time;

        public AttachedExecution(Process process, JobHandle handle, long startTicks, string runId, StoreProgress progress, TimeSpan pollInterval, TimeProvider time)
            : base(process, handle)
        {
            _startTicks = startTicks;
            _runId = runId;
            _progress = progress;
            _pollInterval = pollInterval;
            _time = time;
            Follow();
        }

        protected override async Task<JobExit> FollowAsync(CancellationToken detach)
        {
            var done = new HashSet<int>();
            var published = false;
            string? failure = "interrupted: the job ended without publishing";
            while (true)
            {
                bool alive;
                using (var current = FindAlive(Process.Id, _startTicks))
                {
                    alive = current is not null;
                }

                var scan = await _progress.ScanAsync(_runId, done, detach).ConfigureAwait(false);
                foreach (var model in scan.Models)
                {
                    done.Add(model.NHidden);
                    Events.Writer.TryWrite(model);
                }

                if (scan.Published && !published)
                {
                    published = true;
                    failure = await PublishAsync(detach).ConfigureAwait(false);
                }

                if (!alive)
                {
                    // A job this process did not start leaves no exit code to read; the manifest decides.
                    return new JobExit(null, failure);
                }

                await Task.Delay(_pollInterval, _time, detach).ConfigureAwait(false);
            }
        }

        /// <summary>Reports the manifest's <see cref="JobPublished"/>; null when done, else why it could not be read.</summary>
        private async Task<string?> PublishAsync(CancellationToken token)
        {
            try
            {
                if (await _progress.ReadManifestAsync(_runId, token).ConfigureAwait(false) is not { } manifest)
                {
                    return "interrupted: the job's manifest disappeared";
                }

                Events.Writer.TryWrite(JobPublished.Of(manifest));
                return null;
            }
            catch (InvalidDataException e)
            {
                return $"the job wrote a manifest that cannot be read: {e.Message}";
            }
        }
    }
}
