using System.Formats.Tar;
using System.IO.Compression;
using OneOff.Aws.Compute;
using OneOff.Testing;

namespace OneOff.Aws.Tests.Compute;

/// <summary>The real bundle (built once per test process) and small hand-made bundle sources for the fast tests.</summary>
internal static class BundleFiles
{
    private static readonly Lazy<Task<(JobBundleSource Source, JobBundle Bundle, TimeSpan ArtifactTime)>> s_real = new(async () =>
    {
        var source = await JobBundleSource.GetAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var bundle = await JobBundle.BuildAsync(source.Folder, Path.Combine(AppContext.BaseDirectory, "job-bundle-artifacts"));
        return (source, bundle, clock.Elapsed);
    });

    /// <summary>The real bundle: the MSBuild target's output and its artifacts.</summary>
    public static Task<(JobBundleSource Source, JobBundle Bundle, TimeSpan ArtifactTime)> RealAsync() => s_real.Value;

    /// <summary>A bundle source whose "jobs" are the given shell scripts (default: <c>--help</c> prints usage).</summary>
    public static string SmallSource(TempFolder folder, string driver = "print('driver')\n", string? job = null, string name = "src")
    {
        var root = folder[name];
        foreach (var rid in JobBundle.RuntimeIdentifiers)
        {
            var dir = Directory.CreateDirectory(Path.Combine(root, "job", rid)).FullName;
            File.WriteAllText(Path.Combine(dir, "oneoff-job"), job ?? "#!/bin/sh\necho \"usage: oneoff-job ($0) $*\"\n");
            File.WriteAllText(Path.Combine(dir, "libfake.so"), "not really a library");
            Directory.CreateDirectory(Path.Combine(dir, "sub"));
            File.WriteAllText(Path.Combine(dir, "sub", "data.json"), "{}");
        }

        File.WriteAllText(Path.Combine(root, JobBundle.DriverScript), driver);
        File.Copy(Path.Combine(RepoPaths.Root, "src", "Jobs", "emr", JobBundle.BootstrapScript), Path.Combine(root, JobBundle.BootstrapScript));
        return root;
    }

    /// <summary>Every entry header of a tar.gz (no data).</summary>
    public static async Task<List<TarEntry>> EntriesAsync(string tarGz)
    {
        await using var file = File.OpenRead(tarGz);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await using var reader = new TarReader(gzip);
        var entries = new List<TarEntry>();
        while (await reader.GetNextEntryAsync(copyData: false) is { } entry)
        {
            entries.Add(entry);
        }

        return entries;
    }

    /// <summary>Unpacks a tar.gz into <paramref name="destination"/> (modes as stored).</summary>
    public static async Task ExtractAsync(string tarGz, string destination)
    {
        Directory.CreateDirectory(destination);
        await using var file = File.OpenRead(tarGz);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await TarFile.ExtractToDirectoryAsync(gzip, destination, overwriteFiles: true);
    }

    public static BundleArtifact Artifact(this JobBundle bundle, string name) => bundle.Artifacts.Single(a => a.Name == name);
}
