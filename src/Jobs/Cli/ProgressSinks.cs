using System.Globalization;
using OneOff.Core.Compute;
using OneOff.Core.Runs;
using OneOff.Jobs.Study;
using Spectre.Console;

namespace OneOff.Jobs.Cli;

/// <summary>
/// <c>--json</c>: one JSON object per line on stdout, the events <c>LocalJobRunner</c> reads, written with the
/// records it reads them with (<see cref="JobEventJson"/>).
/// </summary>
internal sealed class JsonEventsProgress(TextWriter output) : IStudyProgress
{
    private readonly Lock _gate = new();

    public void Started(RunParameters parameters) => Emit(new JobStarted(parameters.RunId, [.. parameters.HiddenSizes], parameters.MaxIter));

    public void Phase(string description) => Emit(new JobPhase(description));

    public void Iteration(int nHidden, int iteration, double loss) => Emit(new JobIteration(nHidden, iteration, loss));

    public void ModelDone(ModelMetrics model) => Emit(new JobModelDone(model));

    public void Published(RunManifest manifest) => Emit(JobPublished.Of(manifest));

    public void Failed(string message) => Emit(new JobFailed(message));

    private void Emit(JobEvent e)
    {
        var line = JobEventJson.Serialize(e);
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }
}

/// <summary>Plain progress lines on stderr, for logs and pipes.</summary>
internal sealed class PlainProgress(TextWriter error) : IStudyProgress
{
    private readonly Lock _gate = new();

    public void Started(RunParameters parameters) =>
        Write($"run {parameters.RunId}: {parameters.HiddenSizes.Length} hidden sizes ({string.Join(',', parameters.HiddenSizes)}), {parameters.TrainSize} training points");

    public void Phase(string description) => Write(description);

    public void Iteration(int nHidden, int iteration, double loss) =>
        Write($"N={nHidden}: iteration {iteration}, loss {loss:F4}");

    public void ModelDone(ModelMetrics model) =>
        Write($"N={model.NHidden} done, {(model.StopReason is { } stop ? StopReasons.Describe(stop, model.Iterations) : $"{model.Iterations} iterations")}: train {model.TrainAcc:P1}, test {model.TestAcc:P1}, surface agreement {model.SurfaceAgree:P1} ({model.FitSeconds:F2} s)");

    public void Published(RunManifest manifest) =>
        Write($"published run {manifest.RunId}: best N = {manifest.BestNHidden} ({manifest.Timings.TotalSeconds:F2} s)");

    private void Write(string line)
    {
        lock (_gate)
        {
            error.WriteLine(line);
        }
    }
}

/// <summary>A live display on a terminal: a bar per hidden size with its iteration and loss.</summary>
internal sealed class LiveProgress(ProgressContext context) : IStudyProgress
{
    private readonly Dictionary<int, ProgressTask> _tasks = [];
    private readonly Lock _gate = new();
    private ProgressTask? _phase;

    public void Started(RunParameters parameters)
    {
        lock (_gate)
        {
            _phase = context.AddTask($"run [bold]{parameters.RunId}[/]", maxValue: 1);
            _phase.IsIndeterminate = true;
            foreach (var n in parameters.HiddenSizes.OrderDescending())
            {
                _tasks[n] = context.AddTask(Label(n, "waiting"), maxValue: parameters.MaxIter);
            }
        }
    }

    public void Phase(string description)
    {
        lock (_gate)
        {
            _phase?.Description($"{Markup.Escape(description)}");
        }
    }

    public void Iteration(int nHidden, int iteration, double loss)
    {
        lock (_gate)
        {
            if (_tasks.TryGetValue(nHidden, out var task))
            {
                task.Value = iteration;
                task.Description = Label(nHidden, $"it {iteration,5}  loss {loss:F4}");
            }
        }
    }

    public void ModelDone(ModelMetrics model)
    {
        lock (_gate)
        {
            if (_tasks.TryGetValue(model.NHidden, out var task))
            {
                var stop = model.StopReason is { } reason ? "  " + Markup.Escape(StopReasons.Describe(reason, model.Iterations)) : "";
                task.Description = Label(model.NHidden, $"[green]test {model.TestAcc:P1}  agree {model.SurfaceAgree:P1}[/]{stop}");
                task.Value = task.MaxValue;
                task.StopTask();
            }
        }
    }

    public void Published(RunManifest manifest)
    {
        lock (_gate)
        {
            if (_phase is not null)
            {
                _phase.Description = $"[green]published[/] run [bold]{manifest.RunId}[/]: best N = [bold]{manifest.BestNHidden}[/]";
                _phase.IsIndeterminate = false;
                _phase.Value = 1;
                _phase.StopTask();
            }
        }
    }

    private static string Label(int n, string status) => string.Create(CultureInfo.InvariantCulture, $"N={n,-5} {status}");
}
