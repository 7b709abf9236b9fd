using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OneOff.Aws.Clients;
using OneOff.Aws.Clients.Athena;
using OneOff.Aws.Clients.Emr;
using OneOff.Aws.Compute;
using OneOff.Aws.Query;
using OneOff.Aws.Storage;
using OneOff.Core.Compute;
using OneOff.Core.Configuration;
using OneOff.Core.Query;
using OneOff.Core.Storage;

namespace OneOff.Aws;

/// <summary>Aws mode's adapters, chosen once by the composition root (<c>OneOff:Mode=Aws</c>).</summary>
public static class AwsServiceCollectionExtensions
{
    /// <summary>
    /// Adds every AWS adapter: the S3 object store of <c>s3://{OneOff:Aws:Bucket}/{OneOff:Aws:Prefix}/</c> as the
    /// <see cref="IObjectStore"/>, and the JSON 1.1 clients (<see cref="AwsClientsServiceCollectionExtensions.AddOneOffAwsClients"/>).
    /// Options are validated at start, the EMR options (<see cref="EmrOptions"/>, <see cref="EmrReaperOptions"/>) too. The EMR reaper (<see cref="EmrReaper"/>, <see cref="EmrReaperService"/>) registers here; the EMR runner (<see cref="EmrJobRunner"/>) registers as itself (<see cref="AddOneOffAwsJobRunner"/> makes it the <see cref="IJobRunner"/>); the Athena query engine (<see cref="AthenaQueryEngine"/>, <c>OneOff:Aws:Athena</c>) is the <see cref="IQueryEngine"/>.
    /// </summary>
    public static IServiceCollection AddOneOffAws(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOneOffAwsClients();
        services.AddOptions<AwsStorageOptions>().BindConfiguration(AwsStorageOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AwsStorageOptions>, AwsStorageOptionsValidator>());
        services.TryAddSingleton(sp => S3ObjectStore.Open(
            sp.GetRequiredService<IOptions<AwsStorageOptions>>().Value.Root,
            sp.GetRequiredService<IOptions<AwsClientOptions>>().Value));
        services.TryAddSingleton<IObjectStore>(sp => sp.GetRequiredService<S3ObjectStore>());

        // The EMR path's options (OneOff:Aws:Emr, OneOff:Aws:Reaper), checked at start: one line per bad key.
        services.AddOptions<EmrOptions>().BindConfiguration(EmrOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmrOptions>, EmrOptionsValidator>());
        services.AddOptions<EmrReaperOptions>().BindConfiguration(EmrReaperOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmrReaperOptions>, EmrReaperOptionsValidator>());

        // The EMR runner (OneOff:Aws:Emr:PollSeconds, BundleFolder; handles emr:{clusterId}); AddOneOffAwsJobRunner makes it the IJobRunner.
        services.AddOptions<EmrJobRunnerOptions>().BindConfiguration(EmrJobRunnerOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmrJobRunnerOptions>, EmrJobRunnerOptionsValidator>());
        services.TryAddSingleton(sp => new EmrJobRunner(
            sp.GetRequiredService<EmrClient>(),
            sp.GetRequiredService<S3ObjectStore>(),
            sp.GetRequiredService<IOptions<EmrOptions>>().Value,
            sp.GetRequiredService<IOptions<EmrJobRunnerOptions>>().Value,
            sp.GetRequiredService<IOptions<DeploymentOptions>>().Value.DeploymentId,
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>()));
        AddEmrReaper(services);
        AddOneOffAthena(services);
        return services;
    }

    /// <summary>
    /// Makes <see cref="EmrJobRunner"/> (call after <see cref="AddOneOffAws"/>, which adds it) the <see cref="IJobRunner"/>,
    /// and checks at start that the job bundle it uploads is there (<see cref="JobBundleValidator"/>). Separate from
    /// <see cref="AddOneOffAws"/> so that what only reads Aws mode's data (the S3 store, the reaper) needs no bundle.
    /// </summary>
    public static IServiceCollection AddOneOffAwsJobRunner(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IJobRunner>(sp => sp.GetRequiredService<EmrJobRunner>());
        // Runs need the job bundle: without it the app stops at start, saying how to build it.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmrJobRunnerOptions>, JobBundleValidator>());
        return services;
    }

    /// <summary>
    /// The Athena query engine as the <see cref="IQueryEngine"/> (<c>OneOff:Aws:Athena</c>, checked at start), its
    /// per-run usage tally (<see cref="AthenaUsage"/>, passed on to the <see cref="IQueryUsageSink"/> the composition root registers, if any), and the S3 client it reads result files with.
    /// </summary>
    private static void AddOneOffAthena(IServiceCollection services)
    {
        services.AddOptions<AthenaOptions>().BindConfiguration(AthenaOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AthenaOptions>, AthenaOptionsValidator>());
        services.TryAddSingleton(sp => new AthenaUsage(
            sp.GetService<IQueryUsageSink>(), sp.GetRequiredService<IOptions<AthenaOptions>>().Value.PricePerTerabyteScanned));
        services.TryAddSingleton(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<AwsStorageOptions>>().Value;
            var settings = AthenaSettings.From(
                sp.GetRequiredService<IOptions<AthenaOptions>>().Value, sp.GetRequiredService<IOptions<DeploymentOptions>>().Value.DeploymentId, storage.Root);
            var logs = sp.GetRequiredService<ILoggerFactory>();
            var runner = new AthenaQueryRunner(sp.GetRequiredService<AthenaClient>(), settings, sp.GetRequiredService<TimeProvider>(), logs.CreateLogger<AthenaQueryRunner>());
            var s3 = new Amazon.S3.AmazonS3Client(S3ObjectStore.CreateConfig(sp.GetRequiredService<IOptions<AwsClientOptions>>().Value.Region, null));
            return new AthenaQueryEngine(
                runner,
                new AthenaCatalog(runner, storage.Root, logs.CreateLogger<AthenaCatalog>()),
                sp.GetRequiredService<S3ObjectStore>(),
                new AthenaResultFiles(s3),
                sp.GetRequiredService<AthenaUsage>(),
                logs.CreateLogger<AthenaQueryEngine>(),
                s3);
        });
        services.TryAddSingleton<IQueryEngine>(sp => sp.GetRequiredService<AthenaQueryEngine>());
    }

    /// <summary>
    /// The EMR reaper and its hosted service (at start, then every <c>OneOff:Aws:Reaper:IntervalMinutes</c>). The
    /// reaper asks the run store through <see cref="IRunLookup"/>, which the composition root registers (the
    /// dashboard's runs), before or after this call: the hosted service looks for it when it starts and, with none,
    /// logs that the reaper is off instead of failing the app.
    /// </summary>
    private static void AddEmrReaper(IServiceCollection services)
    {
        services.AddOneOffCore();
        services.TryAddSingleton(sp => new EmrReaper(
            sp.GetRequiredService<EmrClient>(),
            sp.GetRequiredService<IRunLookup>(),
            sp.GetRequiredService<IOptions<DeploymentOptions>>(),
            sp.GetRequiredService<IOptions<EmrReaperOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<EmrReaper>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EmrReaperService>(sp => new EmrReaperService(
            sp.GetService<IRunLookup>() is null ? null : sp.GetRequiredService<EmrReaper>(),
            sp.GetRequiredService<IOptions<EmrReaperOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<EmrReaperService>>())));
    }
}
