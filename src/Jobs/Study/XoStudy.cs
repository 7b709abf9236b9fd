using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using OneOff.Core.Storage;
using OneOff.Core.Runs;
using OneOff.Jobs.Training;
using OneOff.Jobs.Data;
using OneOff.Jobs.Output;

namespace OneOff.Jobs.Study;

/// <summary>A problem the user can fix (a run that exists, a missing step): exit code 2, one line.</summary>
public sealed class StudyUsageException(string message) : Exception(message);

/// <summary>
/// The XO study over an <see cref="IObjectStore"/>: the whole sweep on this machine, or the EMR pieces
/// (<c>generate</c>, <c>train</c> per size, <c>publish</c>) that write the same outputs. The manifest is always
/// written last, so an interrupted run is never published.
/// </summary>
/// <param name="store">Where the run is written.</param>
/// <param name="time">Clock for timestamps and timings.</param>
/// <param name="progress">Receives progress.</param>
/// <param name="precision">Kernel precision (float32 by default).</param>
/// <param name="workers">Parallel fits (default: one per core).</param>
public sealed class XoStudy(IObjectStore store, TimeProvider time, IStudyProgress progress, Precision precision = Precision.Single, int workers = 0)
{
    private static readonly TimeSpan s_iterationInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>The job's version, as recorded in manifests.</summary>
    public static string JobVersion { get; } =
        typeof(XoStudy).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Refuses a run id that already has objects in the store.</summary>
    /// <exception cref="StudyUsageException">The run exists.</exception>
    public async Task EnsureNewAsync(string runId, CancellationToken cancellationToken = default)
    {
        await foreach (var _ in store.ListAsync(RunKeys.Run(runId), cancellationToken).ConfigureAwait(false))
        {
            throw new StudyUsageException($"--run-id '{runId}' already exists under {store.Root}; choose another id, or omit --run-id to get a fresh one.");
        }
    }

    /// <summary>
    /// The whole study: data, every size in parallel (largest first), outputs, manifest. A sweep cancelled before it
    /// published leaves nothing of the run behind (its id can be used again).
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the run's partial outputs are deleted.</exception>
    public async Task<RunManifest> SweepAsync(RunParameters p, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(p);
        try
        {
            return await SweepCoreAsync(p, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Not with the cancelled token: the clean-up is what the cancellation asks for.
            if (!await store.ExistsAsync(RunKeys.Manifest(p.RunId), CancellationToken.None).ConfigureAwait(false))
            {
                await store.DeletePrefixAsync(RunKeys.Run(p.RunId), CancellationToken.None).ConfigureAwait(false);
            }

            throw;
        }
    }

    private async Task<RunManifest> SweepCoreAsync(RunParameters p, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var (train, test, generateSeconds) = Generate(p);
        var writeTicks = 0L;
        var writing = Task.Run(async () =>
        {
            var t0 = time.GetTimestamp();
            await WriteDataAsync(p, train, test, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref writeTicks, time.GetElapsedTime(t0).Ticks);
        }, cancellationToken);

        progress.Phase("training");
        var trainStarted = time.GetTimestamp();
        var models = new ConcurrentBag<ModelMetrics>();
        var queue = new ConcurrentQueue<int>(p.HiddenSizes.OrderDescending());
        var count = Math.Max(1, Math.Min(workers > 0 ? workers : Environment.ProcessorCount, p.HiddenSizes.Length));
        var fits = Enumerable.Range(0, count).Select(_ => Task.Run(async () =>
        {
            while (queue.TryDequeue(out var n))
            {
                var result = Fit(p, n, train, test, cancellationToken);
                var t0 = time.GetTimestamp();
                models.Add(await WriteModelAsync(p.RunId, result, cancellationToken).ConfigureAwait(false));
                Interlocked.Add(ref writeTicks, time.GetElapsedTime(t0).Ticks);
            }
        }, cancellationToken)).ToList();
        // Every task has ended when this returns or throws: nothing writes after a cancelled sweep cleans up.
        await Task.WhenAll([.. fits, writing]).ConfigureAwait(false);
        var trainSeconds = time.GetElapsedTime(trainStarted).TotalSeconds;

        var timings = new ManifestTimings(generateSeconds, trainSeconds, TimeSpan.FromTicks(writeTicks).TotalSeconds, 0);
        return await PublishAsync(p, [.. models], timings, started, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>EMR step 1: writes the train and test data and <c>_parameters.json</c>.</summary>
    public async Task GenerateAsync(RunParameters p, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(p);
        var (train, test, generateSeconds) = Generate(p);
        await WriteDataAsync(p, train, test, cancellationToken).ConfigureAwait(false);
        await store.PutAsync(RunKeys.Parameters(p.RunId), new RunSetup(ManifestParameters.From(p), generateSeconds).ToJson(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>EMR step 2 (one task per size): reads the run's setup and data back, trains size <paramref name="nHidden"/>, writes its outputs.</summary>
    public async Task<ModelMetrics> TrainAsync(string runId, int nHidden, CancellationToken cancellationToken = default)
    {
        var (p, _) = await ReadSetupAsync(runId, cancellationToken).ConfigureAwait(false);
        if (!p.HiddenSizes.Contains(nHidden))
        {
            throw new StudyUsageException($"--n-hidden {nHidden} is not one of the hidden sizes of run '{runId}' ({string.Join(',', p.HiddenSizes)}); pass one of them.");
        }

        progress.Started(p);
        var train = await RunTables.ReadPointsAsync(await store.GetAsync(RunKeys.Train(runId), cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var test = await RunTables.ReadPointsAsync(await store.GetAsync(RunKeys.Test(runId), cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var result = Fit(p, nHidden, train, test, cancellationToken);
        return await WriteModelAsync(runId, result, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>EMR step 3: checks every size's outputs exist and writes the manifest.</summary>
    public async Task<RunManifest> PublishAsync(string runId, CancellationToken cancellationToken = default)
    {
        var started = time.GetTimestamp();
        var (p, generateSeconds) = await ReadSetupAsync(runId, cancellationToken).ConfigureAwait(false);
        var models = new List<ModelMetrics>();
        var missing = new List<int>();
        foreach (var n in p.HiddenSizes)
        {
            var present = await store.ExistsAsync(RunKeys.Metrics(runId, n), cancellationToken).ConfigureAwait(false)
                && await store.ExistsAsync(RunKeys.Grid(runId, n), cancellationToken).ConfigureAwait(false)
                && await store.ExistsAsync(RunKeys.Loss(runId, n), cancellationToken).ConfigureAwait(false);
            if (!present)
            {
                missing.Add(n);
                continue;
            }

            models.Add(await MetricsTable.ReadAsync(await store.GetAsync(RunKeys.Metrics(runId, n), cancellationToken).ConfigureAwait(false), n, cancellationToken).ConfigureAwait(false));
        }

        if (missing.Count > 0)
        {
            // Nothing failed: the steps ran out of order. A usage error, not a failed run.
            throw new StudyUsageException(
                $"run '{runId}' has no outputs yet for hidden size(s) {string.Join(',', missing)}; run `oneoff-job train --run-id {runId} --n-hidden N` for each, then publish again.");
        }

        var timings = new ManifestTimings(generateSeconds, models.Sum(m => m.FitSeconds), 0, 0);
        return await PublishAsync(p, models, timings, started, cancellationToken).ConfigureAwait(false);
    }

    private async Task<RunManifest> PublishAsync(RunParameters p, IReadOnlyCollection<ModelMetrics> models, ManifestTimings timings, long started, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        progress.Phase("publishing");
        var ordered = models.OrderBy(m => p.HiddenSizes.IndexOf(m.NHidden)).ToImmutableArray();
        var manifest = new RunManifest(
            RunManifest.CurrentSchema, p.RunId, JobVersion, time.GetUtcNow(), ManifestParameters.From(p), ordered,
            ModelMetrics.Best(ordered)?.NHidden ?? throw new InvalidOperationException($"Run '{p.RunId}' has no models to publish."),
            new ManifestRows(p.TrainSize, p.TestSize, XoGrid.Cells),
            timings with { TotalSeconds = time.GetElapsedTime(started).TotalSeconds });
        await store.PutAsync(RunKeys.Manifest(p.RunId), manifest.ToJson(), cancellationToken).ConfigureAwait(false);
        progress.Published(manifest);
        return manifest;
    }

    private (XoDataset Train, XoDataset Test, double Seconds) Generate(RunParameters p)
    {
        var started = time.GetTimestamp();
        progress.Started(p);
        progress.Phase("generating data");
        var train = XoGenerator.Train(p);
        var test = XoGenerator.Test(p);
        return (train, test, time.GetElapsedTime(started).TotalSeconds);
    }

    private ModelResult Fit(RunParameters p, int n, XoDataset train, XoDataset test, CancellationToken cancellationToken)
    {
        var last = time.GetTimestamp();
        return ModelFit.Run(p, n, train, test, time, (iteration, loss) =>
        {
            if (time.GetElapsedTime(last) >= s_iterationInterval)
            {
                last = time.GetTimestamp();
                progress.Iteration(n, iteration, loss);
            }
        }, precision, cancellationToken);
    }

    private async Task WriteDataAsync(RunParameters p, XoDataset train, XoDataset test, CancellationToken cancellationToken)
    {
        await store.PutAsync(RunKeys.Train(p.RunId), await RunTables.PointsAsync(train, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        await store.PutAsync(RunKeys.Test(p.RunId), await RunTables.PointsAsync(test, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    private async Task<ModelMetrics> WriteModelAsync(string runId, ModelResult result, CancellationToken cancellationToken)
    {
        var model = result.Metrics;
        await store.PutAsync(RunKeys.Grid(runId, result.NHidden), await RunTables.GridAsync(result, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        await store.PutAsync(RunKeys.Loss(runId, result.NHidden), await RunTables.LossAsync(result, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

        // Metrics last: their partition appearing is what progress displays look for.
        await store.PutAsync(RunKeys.Metrics(runId, result.NHidden), await MetricsTable.WriteAsync(model, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        progress.ModelDone(model);
        return model;
    }

    private async Task<(RunParameters Parameters, double GenerateSeconds)> ReadSetupAsync(string runId, CancellationToken cancellationToken)
    {
        if (await store.ExistsAsync(RunKeys.Manifest(runId), cancellationToken).ConfigureAwait(false))
        {
            throw new StudyUsageException($"Run '{runId}' under {store.Root} is already published; start a new run with another --run-id.");
        }

        if (!await store.ExistsAsync(RunKeys.Parameters(runId), cancellationToken).ConfigureAwait(false))
        {
            throw new StudyUsageException($"Run '{runId}' has no _parameters.json under {store.Root}; run `oneoff-job generate --run-id {runId}` first.");
        }

        var setup = RunSetup.Parse(await store.GetAsync(RunKeys.Parameters(runId), cancellationToken).ConfigureAwait(false));
        var p = setup.Parameters.ToRunParameters();
        var errors = RunParameterParser.Validate(p);
        if (errors.Count > 0 || p.RunId != runId)
        {
            throw new InvalidDataException($"_parameters.json of run '{runId}' is invalid: {(errors.Count > 0 ? errors[0].ForCli() : "its run_id differs")}.");
        }

        return (p, setup.GenerateSeconds);
    }
}
