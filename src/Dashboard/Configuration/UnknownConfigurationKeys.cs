using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using OneOff.Aws.Storage;
using OneOff.Aws.Clients;
using OneOff.Aws.Compute;
using OneOff.Aws.Query;
using OneOff.Core.Configuration;
using OneOff.Dashboard.Audit;
using OneOff.Dashboard.Results;

namespace OneOff.Dashboard.Configuration;

/// <summary>A key under <c>OneOff:</c> that nothing reads, where it was set, and the known key nearest to it.</summary>
public sealed record UnknownConfigurationKey(string Key, string Source, string Nearest);

/// <summary>
/// Warns at start, one line per key, about keys under <c>OneOff:</c> that no options class reads (a misspelt
/// <c>OneOff:Mdoe</c> or <c>OneOff__Runs__MaxConcurent</c> is otherwise ignored without a word), naming the nearest
/// known key. The known keys are the options classes' properties, found by reflection.
/// </summary>
public sealed partial class UnknownConfigurationKeys(IConfiguration configuration, ILogger<UnknownConfigurationKeys> logger) : IHostedService
{
    private const string Root = "OneOff";

    /// <summary>Every options class bound under <c>OneOff:</c>, with its section.</summary>
    private static readonly (string Section, Type Type)[] s_options =
    [
        (OneOffOptions.SectionName, typeof(OneOffOptions)),
        (DeploymentOptions.SectionName, typeof(DeploymentOptions)),
        (AdminOptions.SectionName, typeof(AdminOptions)),
        (RunsOptions.SectionName, typeof(RunsOptions)),
        (AuthOptions.SectionName, typeof(AuthOptions)),
        (ProxyOptions.SectionName, typeof(ProxyOptions)),
        (AuditOptions.SectionName, typeof(AuditOptions)),
        (ResultsCacheOptions.SectionName, typeof(ResultsCacheOptions)),
        (AwsStorageOptions.SectionName, typeof(AwsStorageOptions)),
        (AwsClientOptions.SectionName, typeof(AwsClientOptions)),
        (EmrOptions.SectionName, typeof(EmrOptions)),
        (EmrReaperOptions.SectionName, typeof(EmrReaperOptions)),
        // The EMR runner's own keys (PollSeconds, BundleFolder, StartAttempts) share the OneOff:Aws:Emr section.
        (EmrJobRunnerOptions.SectionName, typeof(EmrJobRunnerOptions)),
        (AthenaOptions.SectionName, typeof(AthenaOptions)),
    ];

    /// <summary>
    /// Documented sections (ARCHITECTURE, "Configuration keys users rely on") whose options classes are still to
    /// come: their keys are not checked yet.
    /// </summary>
    private static readonly string[] s_uncheckedSections = [];

    private static readonly Lazy<Known> s_known = new(BuildKnown);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var unknown in Find(configuration))
        {
            LogUnknownKey(logger, unknown.Key, unknown.Source, unknown.Nearest);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The set keys under <c>OneOff:</c> that no options class reads, in key order.</summary>
    public static IReadOnlyList<UnknownConfigurationKey> Find(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var known = s_known.Value;
        var found = new List<UnknownConfigurationKey>();
        foreach (var (key, value) in configuration.GetSection(Root).AsEnumerable())
        {
            // A section (OneOff, OneOff:Admin) may carry a value of its own from some providers; only leaves count.
            if (value is null || known.Accepts(key) || configuration.GetSection(key).GetChildren().Any())
            {
                continue;
            }

            found.Add(new UnknownConfigurationKey(key, SourceOf(configuration, key), known.Nearest(key)));
        }

        found.Sort((a, b) => string.Compare(a.Key, b.Key, StringComparison.OrdinalIgnoreCase));
        return found;
    }

    /// <summary>The keys the options classes read (leaves), and the prefixes under which any key is read (lists, maps).</summary>
    internal static IReadOnlyCollection<string> KnownKeys => s_known.Value.Leaves;

    private static string SourceOf(IConfiguration configuration, string key)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return "configuration";
        }

        // The last provider that has the key is the one whose value counts.
        foreach (var provider in root.Providers.Reverse())
        {
            if (!provider.TryGet(key, out _))
            {
                continue;
            }

            return provider switch
            {
                EnvironmentVariablesConfigurationProvider => $"environment variable {key.Replace(":", "__", StringComparison.Ordinal)}",
                JsonConfigurationProvider json => Path.GetFileName(json.Source.Path ?? "a JSON file"),
                _ => "configuration",
            };
        }

        return "configuration";
    }

    private static Known BuildKnown()
    {
        var leaves = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var open = new List<string>(s_uncheckedSections);
        foreach (var (section, type) in s_options)
        {
            Walk(section, type, leaves, open, depth: 0);
        }

        return new Known(leaves, open);
    }

    private static void Walk(string prefix, Type type, HashSet<string> leaves, List<string> open, int depth)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var key = $"{prefix}:{property.Name}";
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsScalar(propertyType))
            {
                if (property.CanWrite)
                {
                    leaves.Add(key);
                }
            }
            else if (typeof(IEnumerable).IsAssignableFrom(propertyType))
            {
                // A list or a map: its entries are key:0, key:1 or key:name.
                leaves.Add(key);
                open.Add(key);
            }
            else if (depth < 4 && propertyType.IsClass)
            {
                Walk(key, propertyType, leaves, open, depth + 1);
            }
        }
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTimeOffset) || type == typeof(Uri) || type == typeof(Guid);

    private sealed record Known(HashSet<string> Leaves, List<string> Open)
    {
        public bool Accepts(string key) =>
            Leaves.Contains(key) || Open.Exists(prefix => key.StartsWith(prefix + ":", StringComparison.OrdinalIgnoreCase));

        public string Nearest(string key) =>
            Leaves.MinBy(known => (Distance(key, known), known.Length)) ?? Root;
    }

    /// <summary>The Levenshtein distance of two keys, ignoring case (configuration keys are case-insensitive).</summary>
    internal static int Distance(string a, string b)
    {
        a = a.ToUpperInvariant();
        b = b.ToUpperInvariant();
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "Unknown configuration key {Key} (from {Source}) is ignored: did you mean {Nearest}?")]
    private static partial void LogUnknownKey(ILogger logger, string key, string source, string nearest);
}
