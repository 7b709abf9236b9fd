using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using OneOff.Core.Compute;
using OneOff.Core.Runs;

namespace OneOff.Testing;

/// <summary>
/// An <see cref="IJobRunner"/> that plays a <see cref="JobScript"/> per started job on a <see cref="TimeProvider"/>
/// (a <c>FakeTimeProvider</c> in tests), so that long phases ("Starting for 8 minutes", as an EMR cluster is) take no
/// real time. Cancel stops the script and ends the job with nothing published; a job whose script is still playing
/// can be re-attached by its handle (runner name <see cref="RunnerName"/>) after a restart, as long as the same
/// runner instance is used; <see cref="Kill"/> makes a job die while nobody follows it.
/// </summary>
public sealed class ScriptedJobRunner(TimeProvider time) : IJobRunner
{
    public const string RunnerName = "scripted";

    private readonly ConcurrentQueue<JobScript> _scripts = new();
    private readonly ConcurrentDictionary<string, ScriptedExecution> _executions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<ScriptedExecution>> _started = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>The script of a job started when no script is queued: it starts, then exits 0 without publishing.</summary>
    public JobScript Default { get; set; } = new JobScript().Started();

    /// <summary>Every job started so far, in order.</summary>
    public IReadOnlyList<JobRequest> Requests => [.. _executions.Values.OrderBy(e => e.Number).Select(e => e.Request)];

    /// <summary>Queues the script of the next job started.</summary>
    public ScriptedJobRunner Enqueue(JobScript script)
    {
        ArgumentNullException.ThrowIfNull(script);
        _scripts.Enqueue(script);
        return this;
    }

    /// <summary>Completes once the job of <paramref name="runId"/> has started (its script plays from then on).</summary>
    public Task<ScriptedExecution> WhenStartedAsync(string runId) =>
        _started.GetOrAdd(runId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Ends the job of <paramref name="handle"/> as if its process died: no exit reason, no more events.</summary>
    public Task Kill(JobHandle handle) =>
        _executions.TryGetValue(handle.Id, out var execution) ? execution.StopAsync(new JobExit(null, "killed")) : Task.CompletedTask;

    public Task<IJobExecution> StartAsync(JobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var script = _scripts.TryDequeue(out var next) ? next : Default;
        if (script.StartFailure is { } failure)
        {
            throw new JobStartException(failure);
        }

        var number = Interlocked.Increment(ref _count);
        var execution = new ScriptedExecution(request, new JobHandle(RunnerName, $"{request.RunId}#{number}"), number, script, time);
        _executions[execution.Handle.Id] = execution;
        execution.Play();
        _started.GetOrAdd(request.RunId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(execution);
        return Task.FromResult<IJobExecution>(execution);
    }

    public Task<IJobExecution?> AttachAsync(string runId, JobHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var alive = handle.Runner == RunnerName
            && _executions.TryGetValue(handle.Id, out var execution)
            && execution.Request.RunId == runId
            && !execution.Completion.IsCompleted;
        return Task.FromResult<IJobExecution?>(alive ? _executions[handle.Id] : null);
    }

    /// <summary>The local runner's forecast, and a cost when <see cref="CostPerRun"/> is set (as a cloud runner's).</summary>
    public JobEstimate Estimate(RunParameters parameters) =>
        new(WorkRate.Local.Duration(parameters), CostPerRun is null ? "on this machine" : "on the scripted cluster", CostPerRun is { } c ? new JobCost(c) : null);

    /// <summary>When set, <see cref="FindStartedAsync"/> cannot tell (a cloud runner whose list call failed) and throws this message.</summary>
    public string? FindStartedFailure { get; set; }

    /// <summary>What <see cref="Estimate"/> says a run costs; null (the default) for none.</summary>
    public decimal? CostPerRun { get; set; }

    /// <summary>The live scripted execution of <paramref name="request"/>'s submission key, as a runner that tags its jobs finds it.</summary>
    public Task<IJobExecution?> FindStartedAsync(JobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (FindStartedFailure is { } failure)
        {
            return Task.FromException<IJobExecution?>(new JobStartException(failure));
        }

        var found = _executions.Values.FirstOrDefault(e => e.Request.SubmissionKey == request.SubmissionKey && !e.Completion.IsCompleted);
        return Task.FromResult<IJobExecution?>(found);
    }
}

/// <summary>A scripted job: its events come from the script, on the runner's clock.</summary>
public sealed class ScriptedExecution : IJobExecution
{
    private readonly JobScript _script;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _startedAt;
    private readonly Channel<JobEvent> _events = Channel.CreateUnbounded<JobEvent>();
    private readonly TaskCompletionSource<JobExit> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private JobExit? _stopExit;

    internal ScriptedExecution(JobRequest request, JobHandle handle, int number, JobScript script, TimeProvider time)
    {
        (Request, Handle, Number, _script, _time) = (request, handle, number, script, time);
        _startedAt = time.GetUtcNow();
    }

    public JobRequest Request { get; }

    public JobHandle Handle { get; }

    /// <summary>Whether <see cref="CancelAsync"/> was called.</summary>
    public bool Cancelled { get; private set; }

    public Task<JobExit> Completion => _completion.Task;

    internal int Number { get; }

    public async IAsyncEnumerable<JobEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var e in _events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return e;
        }
    }

    public Task CancelAsync(CancellationToken cancellationToken = default)
    {
        Cancelled = true;
        return StopAsync(new JobExit(null, "cancelled")).WaitAsync(cancellationToken);
    }

    // A follower that stops following disposes its execution; the job itself goes on (a restart re-attaches).
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    internal Task StopAsync(JobExit exit)
    {
        Interlocked.CompareExchange(ref _stopExit, exit, null);
        _stop.Cancel();
        return Completion;
    }

    // Played on the caller's thread up to its first wait, so that the first timer exists before StartAsync returns;
    // a later wait is set up inside the Advance that ends the one before. A test that advances the fake clock right
    // after the start therefore never races the script (under load, Task.Run lost that race).
    internal void Play() => _ = PlayAsync();

    private async Task PlayAsync()
    {
        var due = _startedAt;
        JobExit exit = new(0, null);
        try
        {
            foreach (var step in _script.Steps)
            {
                switch (step)
                {
                    case JobScript.WaitStep wait:
                        due += wait.Duration;
                        var left = due - _time.GetUtcNow();
                        if (left > TimeSpan.Zero)
                        {
                            await Task.Delay(left, _time, _stop.Token).ConfigureAwait(false);
                        }

                        break;
                    case JobScript.EventStep emit:
                        _stop.Token.ThrowIfCancellationRequested();
                        await _events.Writer.WriteAsync(emit.Make(Request.RunId), _stop.Token).ConfigureAwait(false);
                        break;
                    case JobScript.ActionStep act:
                        await act.Run(Request.RunId, _stop.Token).ConfigureAwait(false);
                        break;
                    case JobScript.ExitStep end:
                        exit = end.Exit;
                        return;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            exit = _stopExit ?? new JobExit(null, "stopped");
        }
        catch (Exception e)
        {
            // A step of the script itself failed (a test's own bug): the job ends with it as the reason.
            exit = new JobExit(1, $"the script failed: {e.Message}");
        }
        finally
        {
            _events.Writer.TryComplete();
            _completion.TrySetResult(exit);
        }
    }
}
