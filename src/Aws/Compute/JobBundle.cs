using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace OneOff.Aws.Compute;

/// <summary>One file of the job bundle as it is uploaded: its name under <c>artifacts/{contentHash}/</c>, where it is, and its SHA-256.</summary>
/// <param name="Name">The object name, e.g. <c>oneoff-job-linux-x64.tar.gz</c>.</param>
/// <param name="Path">The local file holding its bytes.</param>
/// <param name="Length">Its size in bytes.</param>
/// <param name="Sha256">Its SHA-256, lowercase hex.</param>
public sealed record BundleArtifact(string Name, string Path, long Length, string Sha256);

/// <summary>
/// The job bundle EMR installs on every node: the self-contained <c>oneoff-job</c> for linux-x64 and linux-arm64 as
/// deterministic <c>tar.gz</c> files, plus <c>driver.py</c> and <c>bootstrap.sh</c> (ARCHITECTURE "The EMR path", 1).
/// The same sources give the same bytes: entries sorted ordinally, mtime fixed, owner 0:0 <c>root</c>, modes
/// normalised (0755 for directories, scripts and ELF executables, 0644 for everything else, shared libraries
/// included), a gzip header without name or mtime and a fixed OS byte, and scripts with LF line endings.
/// </summary>
/// <remarks>
/// <see cref="ContentHash"/> is the SHA-256 (lowercase hex) of <see cref="Checksums"/>: one line
/// <c>"{sha256}  {name}\n"</c> per artifact in ordinal order of name, the format <c>sha256sum -c</c> reads. That
/// text is also the <c>_complete</c> marker the uploader writes last, so a marker proves which bytes it completes.
/// </remarks>
public sealed class JobBundle
{
    /// <summary>The bootstrap action's script.</summary>
    public const string BootstrapScript = "bootstrap.sh";

    /// <summary>The PySpark driver.</summary>
    public const string DriverScript = "driver.py";

    /// <summary>The runtime identifiers the bundle carries, each in <c>job/{rid}/</c> of the source folder.</summary>
    public static IReadOnlyList<string> RuntimeIdentifiers { get; } = ["linux-arm64", "linux-x64"];

    /// <summary>The command that builds the bundle's source folder (named by every "missing bundle" message).</summary>
    public const string BuildCommand = "dotnet build src/Dashboard -c Release -t:OneOffBundle";

    /// <summary>The mtime of every tar entry (1980-01-01T00:00:00Z, the zip epoch): fixed so the bytes do not depend on when the files were built.</summary>
    public static DateTimeOffset EntryTime { get; } = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const int GzipOsByteOffset = 9;
    private const byte GzipOsUnix = 3;
    private const UnixFileMode Executable = (UnixFileMode)0x1ED; // 0755
    private const UnixFileMode Regular = (UnixFileMode)0x1A4; // 0644

    private JobBundle(IReadOnlyList<BundleArtifact> artifacts)
    {
        Artifacts = artifacts;
        Checksums = string.Concat(artifacts.Select(a => $"{a.Sha256}  {a.Name}\n"));
        ContentHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Checksums)));
    }

    /// <summary>The artifacts in ordinal order of name.</summary>
    public IReadOnlyList<BundleArtifact> Artifacts { get; }

    /// <summary><c>sha256sum</c> lines of the artifacts in ordinal order of name: the text <see cref="ContentHash"/> hashes.</summary>
    public string Checksums { get; }

    /// <summary>SHA-256 of <see cref="Checksums"/>, lowercase hex: the name of the bundle's folder in the bucket.</summary>
    public string ContentHash { get; }

    /// <summary>The tarball name of one runtime identifier: <c>oneoff-job-{rid}.tar.gz</c>.</summary>
    public static string TarballName(string runtimeIdentifier) => $"oneoff-job-{runtimeIdentifier}.tar.gz";

    /// <summary>
    /// Why <paramref name="sourceFolder"/> cannot be bundled, in one line naming the folder and the command that
    /// builds it; null when it holds <c>job/linux-x64/oneoff-job</c>, <c>job/linux-arm64/oneoff-job</c> and both scripts.
    /// </summary>
    public static string? FindProblem(string sourceFolder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceFolder);
        var missing = RuntimeIdentifiers.Select(rid => Path.Combine("job", rid, "oneoff-job"))
            .Append(DriverScript)
            .Append(BootstrapScript)
            .Where(relative => !File.Exists(Path.Combine(sourceFolder, relative)))
            .ToList();
        return missing.Count == 0
            ? null
            : $"The job bundle in '{sourceFolder}' is incomplete (missing {string.Join(", ", missing)}); build it with `{BuildCommand}` (dotnet publish src/Dashboard carries it in bundle/).";
    }

    /// <summary>
    /// Builds the artifacts of <paramref name="sourceFolder"/> (<c>job/{rid}/…</c>, <c>driver.py</c>,
    /// <c>bootstrap.sh</c>) into <paramref name="outputFolder"/> (created; files of the same names replaced).
    /// </summary>
    /// <exception cref="InvalidOperationException">The source folder is incomplete (<see cref="FindProblem"/> says how).</exception>
    public static async Task<JobBundle> BuildAsync(string sourceFolder, string outputFolder, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputFolder);
        if (FindProblem(sourceFolder) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        Directory.CreateDirectory(outputFolder);
        var artifacts = new List<BundleArtifact>();
        foreach (var script in new[] { BootstrapScript, DriverScript })
        {
            var text = await File.ReadAllTextAsync(Path.Combine(sourceFolder, script), cancellationToken).ConfigureAwait(false);
            var bytes = Encoding.UTF8.GetBytes(text.Replace("\r\n", "\n", StringComparison.Ordinal));
            var path = Path.Combine(outputFolder, script);
            await File.WriteAllBytesAsync(path, bytes, cancellationToken).ConfigureAwait(false);
            artifacts.Add(new BundleArtifact(script, path, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes))));
        }

        foreach (var rid in RuntimeIdentifiers)
        {
            var name = TarballName(rid);
            var path = Path.Combine(outputFolder, name);
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None))
            {
                await WriteTarGzAsync(Path.Combine(sourceFolder, "job", rid), file, cancellationToken).ConfigureAwait(false);
            }

            artifacts.Add(await DescribeAsync(name, path, cancellationToken).ConfigureAwait(false));
        }

        artifacts.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new JobBundle(artifacts);
    }

    /// <summary>
    /// Writes every file and folder under <paramref name="folder"/> as a deterministic gzipped ustar archive, paths
    /// relative to the folder; <paramref name="destination"/> must be seekable (the gzip OS byte is fixed afterwards).
    /// </summary>
    public static async Task WriteTarGzAsync(string folder, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(destination);
        var start = destination.Position;
        await using (var gzip = new GZipStream(destination, CompressionLevel.Optimal, leaveOpen: true))
        {
            await using var tar = new TarWriter(gzip, TarEntryFormat.Ustar, leaveOpen: true);
            foreach (var (relative, isDirectory) in Entries(folder))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var full = Path.Combine(folder, relative.TrimEnd('/').Replace('/', Path.DirectorySeparatorChar));
                if (isDirectory)
                {
                    await tar.WriteEntryAsync(Entry(TarEntryType.Directory, relative, Executable), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                await using var content = File.OpenRead(full);
                var entry = Entry(TarEntryType.RegularFile, relative, await IsExecutableAsync(relative, content, cancellationToken).ConfigureAwait(false) ? Executable : Regular);
                content.Position = 0;
                entry.DataStream = content;
                await tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
            }
        }

        // The gzip header's OS byte is whatever zlib was built for (3 on Unix, 10 on Windows): fix it, so the bytes do
        // not depend on the machine that built them. .NET already writes no name and mtime 0.
        var end = destination.Position;
        destination.Position = start + GzipOsByteOffset;
        destination.WriteByte(GzipOsUnix);
        destination.Position = end;
    }

    private static UstarTarEntry Entry(TarEntryType type, string name, UnixFileMode mode) => new(type, name)
    {
        Mode = mode,
        ModificationTime = EntryTime,
        Uid = 0,
        Gid = 0,
        UserName = "root",
        GroupName = "root",
    };

    /// <summary>Files and folders under <paramref name="folder"/>, '/'-separated (folders end in '/'), in ordinal order.</summary>
    private static IEnumerable<(string Relative, bool IsDirectory)> Entries(string folder) =>
        Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .Select(path =>
            {
                var relative = Path.GetRelativePath(folder, path).Replace(Path.DirectorySeparatorChar, '/');
                var isDirectory = Directory.Exists(path);
                return (Relative: isDirectory ? relative + "/" : relative, IsDirectory: isDirectory);
            })
            .OrderBy(e => e.Relative, StringComparer.Ordinal);

    /// <summary>
    /// Executable: a script (<c>#!</c>) or an ELF file that is not a shared library (<c>oneoff-job</c>, <c>createdump</c>).
    /// Decided from the content and the name, never the file system's mode bits (a publish marks every dll 0744).
    /// </summary>
    private static async Task<bool> IsExecutableAsync(string relative, Stream content, CancellationToken cancellationToken)
    {
        var head = new byte[4];
        var read = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read >= 2 && head[0] == (byte)'#' && head[1] == (byte)'!')
        {
            return true;
        }

        var isElf = read == 4 && BinaryPrimitives.ReadUInt32BigEndian(head) == 0x7F454C46;
        var name = relative[(relative.LastIndexOf('/') + 1)..];
        return isElf && !name.EndsWith(".so", StringComparison.Ordinal) && !name.Contains(".so.", StringComparison.Ordinal);
    }

    private static async Task<BundleArtifact> DescribeAsync(string name, string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        var hash = await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false);
        return new BundleArtifact(name, path, file.Length, Convert.ToHexStringLower(hash));
    }
}
