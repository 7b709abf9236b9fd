using System.Diagnostics;

namespace OneOff.Testing;

/// <summary>
/// The job bundle's source folder (<c>job/linux-x64/</c>, <c>job/linux-arm64/</c>, <c>driver.py</c>,
/// <c>bootstrap.sh</c>), built once per test process by the real MSBuild target
/// (<c>dotnet build src/Jobs -t:OneOffBundle</c>) into the test project's output, so a second run is incremental.
/// <see cref="BuildTime"/> says how long it took (cold: two self-contained publishes, about 70 s on 2 cores; warm: about 10 s).
/// </summary>
public sealed class JobBundleSource
{
    private static readonly Lazy<Task<JobBundleSource>> s_shared = new(BuildAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private JobBundleSource(string folder, TimeSpan buildTime)
    {
        Folder = folder;
        BuildTime = buildTime;
    }

    /// <summary>The source folder JobBundle reads.</summary>
    public string Folder { get; }

    /// <summary>How long the MSBuild target took in this process.</summary>
    public TimeSpan BuildTime { get; }

    /// <summary>The self-contained publish of one runtime identifier (<c>job/{rid}</c>).</summary>
    public string Job(string runtimeIdentifier) => Path.Combine(Folder, "job", runtimeIdentifier);

    /// <summary>
    /// A folder holding the files a bundle's source folder has (<c>job/{rid}/oneoff-job</c>, the two scripts) with
    /// placeholder contents: enough for Aws mode's start-up check where no cluster is started.
    /// </summary>
    public static TempFolder Placeholder()
    {
        var folder = new TempFolder();
        foreach (var relative in OneOff.Aws.Compute.JobBundle.RuntimeIdentifiers.Select(rid => Path.Combine("job", rid, "oneoff-job"))
            .Append(OneOff.Aws.Compute.JobBundle.DriverScript).Append(OneOff.Aws.Compute.JobBundle.BootstrapScript))
        {
            var path = Path.Combine(folder.Path, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "#");
        }

        return folder;
    }

    /// <summary>The bundle source of this test process, built on first use.</summary>
    public static Task<JobBundleSource> GetAsync() => s_shared.Value;

    private static async Task<JobBundleSource> BuildAsync()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "job-bundle-source");
        var clock = Stopwatch.StartNew();
        var build = await ProcessRunner.RunAsync(
            "dotnet",
            ["build", Path.Combine(RepoPaths.Root, "src", "Jobs", "OneOff.Jobs.csproj"), "-t:OneOffBundle", $"-p:OneOffBundleDir={folder}", "-nologo", "-v", "q"],
            environment: new Dictionary<string, string?> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" },
            timeout: TimeSpan.FromMinutes(10));
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"Building the job bundle failed (exit {build.ExitCode}): {build.StdOut}{build.StdErr}");
        }

        return new JobBundleSource(folder, clock.Elapsed);
    }
}
