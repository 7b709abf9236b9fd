using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using OneOff.Core.Runs;

namespace OneOff.Core.Compute;

/// <summary>
/// One event of the job's <c>--json</c> stream (ARCHITECTURE.md, "The job CLI"): one JSON object per line whose
/// <c>event</c> member names the kind. The job writes them and the runner reads them with the same records, through
/// <see cref="JobEventJson"/>.
/// </summary>
public abstract record JobEvent
{
    private protected JobEvent()
    {
    }
}

/// <summary><c>{"event":"started","run_id":…,"hidden_sizes":[…],"max_iter":…}</c>: the job has started this run.</summary>
/// <param name="RunId">The run.</param>
/// <param name="HiddenSizes">The sizes it will train.</param>
/// <param name="MaxIter">The L-BFGS iteration cap of every size.</param>
public sealed record JobStarted(
    [property: JsonPropertyName("run_id"), JsonRequired] string RunId,
    [property: JsonPropertyName("hidden_sizes"), JsonRequired] ImmutableArray<int> HiddenSizes,
    [property: JsonPropertyName("max_iter"), JsonRequired] int MaxIter) : JobEvent
{
    /// <summary>Equal when the run, the sizes (in order) and the cap are.</summary>
    public bool Equals(JobStarted? other) =>
        other is not null && RunId == other.RunId && MaxIter == other.MaxIter
        && HiddenSizes.IsDefault == other.HiddenSizes.IsDefault
        && (HiddenSizes.IsDefault || HiddenSizes.SequenceEqual(other.HiddenSizes));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(RunId, MaxIter, HiddenSizes.IsDefault ? 0 : HiddenSizes.Length);
}

/// <summary><c>{"event":"phase","phase":…}</c>: a phase of the run began ("generating data", "training", "publishing").</summary>
/// <param name="Phase">What the job is doing now.</param>
public sealed record JobPhase([property: JsonPropertyName("phase"), JsonRequired] string Phase) : JobEvent;

/// <summary><c>{"event":"iteration","n_hidden":N,"iteration":i,"loss":l}</c>: at most a few per second per size.</summary>
/// <param name="NHidden">The size.</param>
/// <param name="Iteration">Its last accepted L-BFGS iteration.</param>
/// <param name="Loss">Its mean cross-entropy after that iteration.</param>
public sealed record JobIteration(
    [property: JsonPropertyName("n_hidden"), JsonRequired] int NHidden,
    [property: JsonPropertyName("iteration"), JsonRequired] int Iteration,
    [property: JsonPropertyName("loss"), JsonRequired] double Loss) : JobEvent;

/// <summary>
/// <c>{"event":"model_done","n_hidden":N,"train_acc":…,…}</c> (the members of <see cref="ModelMetrics"/>): size
/// <paramref name="NHidden"/> is trained and its outputs are written. <see cref="Metrics"/> is null only when a
/// runner knows the fact but could not read the metrics (a re-attached job whose metrics file is unreadable).
/// </summary>
/// <param name="NHidden">The size.</param>
/// <param name="Metrics">Its metrics, or null when unknown.</param>
public sealed record JobModelDone(int NHidden, ModelMetrics? Metrics) : JobEvent
{
    /// <summary>The event of a trained size with its metrics.</summary>
    public JobModelDone(ModelMetrics metrics)
        : this((metrics ?? throw new ArgumentNullException(nameof(metrics))).NHidden, metrics)
    {
    }
}

/// <summary><c>{"event":"published","run_id":…,"best_n_hidden":N,"total_seconds":s}</c>: the manifest exists.</summary>
/// <param name="RunId">The run.</param>
/// <param name="BestNHidden">The manifest's best size.</param>
/// <param name="TotalSeconds">The manifest's total time, in seconds.</param>
public sealed record JobPublished(
    [property: JsonPropertyName("run_id"), JsonRequired] string RunId,
    [property: JsonPropertyName("best_n_hidden"), JsonRequired] int BestNHidden,
    [property: JsonPropertyName("total_seconds"), JsonRequired] double TotalSeconds) : JobEvent
{
    /// <summary>The event of a published manifest.</summary>
    public static JobPublished Of(RunManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return new(manifest.RunId, manifest.BestNHidden, manifest.Timings.TotalSeconds);
    }
}

/// <summary><c>{"event":"failed","message":…}</c>: the job failed; the message says why.</summary>
/// <param name="Message">Why, in one line.</param>
public sealed record JobFailed([property: JsonPropertyName("message"), JsonRequired] string Message) : JobEvent;

/// <summary>
/// Writes and reads the lines of the job's <c>--json</c> stream: one JSON object per line, <c>event</c> first, then
/// the members of the event's record under their explicit wire names. Reading is strict: a line that is not one
/// object of a known event with every member of the right type is refused with a <see cref="FormatException"/>,
/// never turned into an event with zeros. Non-finite numbers are written as the strings <c>"NaN"</c>,
/// <c>"Infinity"</c>, <c>"-Infinity"</c> and read back.
/// </summary>
public static class JobEventJson
{
    /// <summary>The <c>event</c> of <see cref="JobStarted"/>.</summary>
    public const string Started = "started";

    /// <summary>The <c>event</c> of <see cref="JobPhase"/>.</summary>
    public const string Phase = "phase";

    /// <summary>The <c>event</c> of <see cref="JobIteration"/>.</summary>
    public const string Iteration = "iteration";

    /// <summary>The <c>event</c> of <see cref="JobModelDone"/>.</summary>
    public const string ModelDone = "model_done";

    /// <summary>The <c>event</c> of <see cref="JobPublished"/>.</summary>
    public const string Published = "published";

    /// <summary>The <c>event</c> of <see cref="JobFailed"/>.</summary>
    public const string Failed = "failed";

    private const string EventMember = "event";
    private const int QuotedLineLength = 200;

    /// <summary>One event as one line of JSON (no line break).</summary>
    /// <exception cref="ArgumentException">A <see cref="JobModelDone"/> without metrics: the job always knows them.</exception>
    public static string Serialize(JobEvent jobEvent)
    {
        ArgumentNullException.ThrowIfNull(jobEvent);
        var context = JobEventsContext.Default;
        var (name, body) = jobEvent switch
        {
            JobStarted e => (Started, JsonSerializer.SerializeToNode(e, context.JobStarted)),
            JobPhase e => (Phase, JsonSerializer.SerializeToNode(e, context.JobPhase)),
            JobIteration e => (Iteration, JsonSerializer.SerializeToNode(e, context.JobIteration)),
            JobModelDone { Metrics: { } m } => (ModelDone, JsonSerializer.SerializeToNode(m, context.ModelMetrics)),
            JobModelDone => throw new ArgumentException("A model_done event is written with its metrics.", nameof(jobEvent)),
            JobPublished e => (Published, JsonSerializer.SerializeToNode(e, context.JobPublished)),
            JobFailed e => (Failed, JsonSerializer.SerializeToNode(e, context.JobFailed)),
            _ => throw new ArgumentException($"Unknown job event {jobEvent.GetType().Name}.", nameof(jobEvent)),
        };
        var line = body as JsonObject ?? throw new InvalidOperationException($"The {name} event did not serialise to an object.");
        line.Insert(0, EventMember, JsonValue.Create(name));
        return line.ToJsonString();
    }

    /// <summary>Reads one line of the stream.</summary>
    /// <exception cref="FormatException">
    /// The line is not one JSON object, names no or an unknown <c>event</c>, or lacks a member of that event (or has
    /// one of the wrong type); the message says which, and quotes the line.
    /// </exception>
    public static JobEvent Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Malformed(line, "it is not a JSON object");
            }

            if (!root.TryGetProperty(EventMember, out var kind) || kind.ValueKind != JsonValueKind.String)
            {
                throw Malformed(line, "it has no \"event\" string");
            }

            var context = JobEventsContext.Default;
            JobEvent parsed = kind.GetString() switch
            {
                Started => Read(root, context.JobStarted),
                Phase => Read(root, context.JobPhase),
                Iteration => Read(root, context.JobIteration),
                ModelDone => new JobModelDone(Read(root, context.ModelMetrics)),
                Published => Read(root, context.JobPublished),
                Failed => Read(root, context.JobFailed),
                var other => throw Malformed(line, $"\"{other}\" is no event of this job"),
            };
            if (parsed is JobStarted { HiddenSizes.IsDefault: true })
            {
                throw Malformed(line, "its hidden_sizes is null");
            }

            return parsed;
        }
        catch (JsonException e)
        {
            throw Malformed(line, e.Message, e);
        }
    }

    private static T Read<T>(JsonElement root, JsonTypeInfo<T> typeInfo) =>
        root.Deserialize(typeInfo) ?? throw new JsonException($"The {typeof(T).Name} is null.");

    private static FormatException Malformed(string line, string why, Exception? inner = null)
    {
        var quoted = line.Length <= QuotedLineLength ? line : line[..QuotedLineLength] + "…";
        return new FormatException($"Not a job event ({why}): {quoted}", inner);
    }
}

[JsonSourceGenerationOptions(
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(JobStarted))]
[JsonSerializable(typeof(JobPhase))]
[JsonSerializable(typeof(JobIteration))]
[JsonSerializable(typeof(ModelMetrics))]
[JsonSerializable(typeof(JobPublished))]
[JsonSerializable(typeof(JobFailed))]
internal sealed partial class JobEventsContext : JsonSerializerContext;
