using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using OneOff.Aws.Compute;
using OneOff.Testing;

namespace OneOff.Aws.Tests.Compute;

/// <summary>
/// The job bundle: deterministic artifacts and their content hash, what the tarballs hold (modes, owners, no DuckDB,
/// glibc ≤ 2.34 for Amazon Linux 2023), and the arm64 build running under qemu.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class JobBundleTests(ITestOutputHelper output) : IDisposable
{
    private const UnixFileMode Mode0755 = (UnixFileMode)0x1ED;
    private const UnixFileMode Mode0644 = (UnixFileMode)0x1A4;
    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task BuildAsync_RealBundleTwice_SameBytesAndSameHash()
    {
        var (source, first, artifactTime) = await BundleFiles.RealAsync();
        var again = await JobBundle.BuildAsync(source.Folder, _folder["again"], Ct);

        Assert.Equal(first.ContentHash, again.ContentHash);
        Assert.Equal(
            [JobBundle.BootstrapScript, JobBundle.DriverScript, "oneoff-job-linux-arm64.tar.gz", "oneoff-job-linux-x64.tar.gz"],
            again.Artifacts.Select(a => a.Name));
        foreach (var artifact in again.Artifacts)
        {
            Assert.Equal(await File.ReadAllBytesAsync(first.Artifact(artifact.Name).Path, Ct), await File.ReadAllBytesAsync(artifact.Path, Ct));
        }

        output.WriteLine($"bundle source built in {source.BuildTime.TotalSeconds:F1} s, artifacts in {artifactTime.TotalSeconds:F1} s");
        foreach (var rid in JobBundle.RuntimeIdentifiers)
        {
            var raw = Directory.EnumerateFiles(source.Job(rid), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            output.WriteLine($"{rid}: {raw / 1e6:F1} MB raw, {first.Artifact(JobBundle.TarballName(rid)).Length / 1e6:F1} MB gzipped");
        }
    }

    [Fact]
    public async Task BuildAsync_ContentHash_IsSha256OfTheChecksumLinesInNameOrder()
    {
        var bundle = await JobBundle.BuildAsync(BundleFiles.SmallSource(_folder), _folder["out"], Ct);

        var lines = bundle.Checksums.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        foreach (var (line, artifact) in lines.Zip(bundle.Artifacts))
        {
            Assert.Equal($"{Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(artifact.Path, Ct)))}  {artifact.Name}", line);
        }

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(bundle.Checksums))), bundle.ContentHash);
        Assert.Matches("^[0-9a-f]{64}$", bundle.ContentHash);
    }

    [Fact]
    public async Task BuildAsync_DriverChanged_NewHashAndOnlyTheDriverDiffers()
    {
        var before = await JobBundle.BuildAsync(BundleFiles.SmallSource(_folder, "print('one')\n", name: "a"), _folder["out-a"], Ct);
        var after = await JobBundle.BuildAsync(BundleFiles.SmallSource(_folder, "print('two')\n", name: "b"), _folder["out-b"], Ct);

        Assert.NotEqual(before.ContentHash, after.ContentHash);
        Assert.NotEqual(before.Artifact(JobBundle.DriverScript).Sha256, after.Artifact(JobBundle.DriverScript).Sha256);
        Assert.Equal(before.Artifact("oneoff-job-linux-x64.tar.gz").Sha256, after.Artifact("oneoff-job-linux-x64.tar.gz").Sha256);
    }

    [Fact]
    public async Task BuildAsync_FilesTouchedAndScriptWithCrLf_SameHash()
    {
        var plain = await JobBundle.BuildAsync(BundleFiles.SmallSource(_folder, "print('x')\n", name: "a"), _folder["out-a"], Ct);
        var source = BundleFiles.SmallSource(_folder, "print('x')\r\n", name: "b");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, new DateTime(2031, 5, 6, 7, 8, 9, DateTimeKind.Utc));
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var touched = await JobBundle.BuildAsync(source, _folder["out-b"], Ct);

        Assert.Equal(plain.ContentHash, touched.ContentHash);
    }

    [Fact]
    public async Task Tarballs_Entries_SortedRootOwnedFixedTimeAndNormalisedModes()
    {
        var (_, bundle, _) = await BundleFiles.RealAsync();
        foreach (var rid in JobBundle.RuntimeIdentifiers)
        {
            var entries = await BundleFiles.EntriesAsync(bundle.Artifact(JobBundle.TarballName(rid)).Path);

            Assert.True(entries.Count > 100, $"{rid}: only {entries.Count} entries");
            Assert.Equal(entries.Select(e => e.Name).Order(StringComparer.Ordinal), entries.Select(e => e.Name));
            Assert.All(entries, e =>
            {
                Assert.Equal(TarEntryFormat.Ustar, e.Format);
                Assert.Equal((0, 0), (e.Uid, e.Gid));
                Assert.Equal(("root", "root"), (((PosixTarEntry)e).UserName, ((PosixTarEntry)e).GroupName));
                Assert.Equal(JobBundle.EntryTime, e.ModificationTime);
            });
            Assert.Equal(Mode0755, entries.Single(e => e.Name == "oneoff-job").Mode);
            Assert.Equal(Mode0644, entries.Single(e => e.Name == "libcoreclr.so").Mode);
            Assert.Equal(Mode0644, entries.Single(e => e.Name == "oneoff-job.dll").Mode);
            Assert.All(entries.Where(e => e.Name is not ("oneoff-job" or "createdump")), e => Assert.Equal(Mode0644, e.Mode));
        }
    }

    [Fact]
    public async Task Tarballs_SmallSource_DirectoriesAndScripts0755()
    {
        var bundle = await JobBundle.BuildAsync(BundleFiles.SmallSource(_folder), _folder["out"], Ct);

        var entries = await BundleFiles.EntriesAsync(bundle.Artifact("oneoff-job-linux-arm64.tar.gz").Path);

        Assert.Equal(["libfake.so", "oneoff-job", "sub/", "sub/data.json"], entries.Select(e => e.Name));
        Assert.Equal([Mode0644, Mode0755, Mode0755, Mode0644], entries.Select(e => e.Mode));
        Assert.Equal(TarEntryType.Directory, entries[2].EntryType);
    }

    [Fact]
    public async Task Tarballs_GzipHeader_NoNameNoMtimeUnixOs()
    {
        var (_, bundle, _) = await BundleFiles.RealAsync();
        foreach (var rid in JobBundle.RuntimeIdentifiers)
        {
            var head = new byte[10];
            await using (var file = File.OpenRead(bundle.Artifact(JobBundle.TarballName(rid)).Path))
            {
                await file.ReadExactlyAsync(head, Ct);
            }

            Assert.Equal([0x1f, 0x8b, 8], head[..3]);
            Assert.Equal(0, head[3]); // FLG: no FNAME, FCOMMENT, FEXTRA
            Assert.Equal([0, 0, 0, 0], head[4..8]); // MTIME
            Assert.Equal(3, head[9]); // OS: Unix, whatever machine built it
        }
    }

    [Fact]
    public async Task Bundle_HasNoDuckDb()
    {
        var (_, bundle, _) = await BundleFiles.RealAsync();
        foreach (var rid in JobBundle.RuntimeIdentifiers)
        {
            var names = (await BundleFiles.EntriesAsync(bundle.Artifact(JobBundle.TarballName(rid)).Path)).Select(e => e.Name).ToList();

            Assert.Contains("Parquet.dll", names);
            Assert.DoesNotContain(names, n => n.Contains("duckdb", StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task Bundle_EveryElf_NeedsGlibcAtMost2_34()
    {
        var readelf = ProcessRunner.FindOnPath("readelf");
        Assert.True(readelf is not null, "readelf is not on PATH: apt-get install binutils (test.sh does)");
        var (_, bundle, _) = await BundleFiles.RealAsync();
        var highest = new Version(0, 0);
        var elves = 0;
        foreach (var rid in JobBundle.RuntimeIdentifiers)
        {
            var unpacked = _folder[rid];
            await BundleFiles.ExtractAsync(bundle.Artifact(JobBundle.TarballName(rid)).Path, unpacked);
            foreach (var file in Directory.EnumerateFiles(unpacked, "*", SearchOption.AllDirectories).Where(IsElf))
            {
                elves++;
                var versions = await ProcessRunner.RunAsync(readelf, ["-V", "-W", file]);
                Assert.Equal(0, versions.ExitCode);
                foreach (Match m in GlibcVersion().Matches(versions.StdOut))
                {
                    var version = new Version(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
                    Assert.True(version <= new Version(2, 34), $"{rid}/{Path.GetFileName(file)} needs GLIBC_{version}, above Amazon Linux 2023's 2.34");
                    highest = version > highest ? version : highest;
                }
            }
        }

        output.WriteLine($"{elves} ELF files; highest GLIBC needed: {highest}");
        Assert.True(elves >= 20, $"only {elves} ELF files found");
        Assert.True(highest >= new Version(2, 17), $"no GLIBC version read (highest {highest}): the parse is broken");
    }

    [Fact]
    public async Task Arm64Build_UnderQemu_HelpAndTinySweep()
    {
        var qemu = ProcessRunner.FindOnPath("qemu-aarch64");
        Assert.True(qemu is not null && Directory.Exists("/usr/aarch64-linux-gnu"),
            "qemu-aarch64 or /usr/aarch64-linux-gnu is missing: apt-get install qemu-user libc6-arm64-cross libstdc++6-arm64-cross (test.sh does)");
        var (_, bundle, _) = await BundleFiles.RealAsync();
        var job = _folder["arm64"];
        await BundleFiles.ExtractAsync(bundle.Artifact("oneoff-job-linux-arm64.tar.gz").Path, job);
        Assert.Equal(Mode0755, File.GetUnixFileMode(Path.Combine(job, "oneoff-job")));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var help = await ProcessRunner.RunAsync(qemu, ["-L", "/usr/aarch64-linux-gnu", Path.Combine(job, "oneoff-job"), "--help"], timeout: TimeSpan.FromMinutes(2));
        var helpTime = clock.Elapsed;
        Assert.True(help.ExitCode == 0, help.StdErr);
        Assert.Contains("sweep", help.StdOut, StringComparison.Ordinal);

        clock.Restart();
        var sweep = await ProcessRunner.RunAsync(
            qemu,
            ["-L", "/usr/aarch64-linux-gnu", Path.Combine(job, "oneoff-job"), "sweep", "--out", _folder["out"], "--run-id", "arm",
             "--train-size", "200", "--test-size", "100", "--hidden", "2,3", "--max-iter", "5"],
            timeout: TimeSpan.FromMinutes(4));
        Assert.True(sweep.ExitCode == 0, sweep.StdErr);
        Assert.True(File.Exists(_folder["out/runs/arm/_manifest.json"]), "the arm64 sweep published its manifest");
        output.WriteLine($"arm64 under qemu: --help {helpTime.TotalSeconds:F1} s, 2-size sweep {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task FindProblem_IncompleteSource_NamesWhatIsMissingAndTheCommand()
    {
        var source = BundleFiles.SmallSource(_folder);
        Assert.Null(JobBundle.FindProblem(source));
        File.Delete(Path.Combine(source, "job", "linux-arm64", "oneoff-job"));
        File.Delete(Path.Combine(source, JobBundle.DriverScript));

        var problem = JobBundle.FindProblem(source);

        Assert.NotNull(problem);
        Assert.Contains(Path.Combine("job", "linux-arm64", "oneoff-job"), problem, StringComparison.Ordinal);
        Assert.Contains("driver.py", problem, StringComparison.Ordinal);
        Assert.Contains(JobBundle.BuildCommand, problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => JobBundle.BuildAsync(source, _folder["out"], Ct));
        Assert.Equal(problem, e.Message);
    }

    private static bool IsElf(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> head = stackalloc byte[4];
        return file.Read(head) == 4 && head.SequenceEqual("\u007fELF"u8);
    }

    [GeneratedRegex(@"Name: GLIBC_(\d+)\.(\d+)")]
    private static partial Regex GlibcVersion();
}
