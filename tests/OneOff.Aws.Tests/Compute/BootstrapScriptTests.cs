using System.Runtime.InteropServices;
using OneOff.Aws.Compute;
using OneOff.Testing;

namespace OneOff.Aws.Tests.Compute;

/// <summary>
/// <c>src/Jobs/emr/bootstrap.sh</c> under bash with shims first on PATH: <c>aws</c> (copies <c>s3://…</c> from a local
/// folder), <c>sudo</c> (records and runs the command as this user) and <c>shutdown</c> (records only), each writing
/// its arguments to a log. The install folder is a temp folder; nothing reaches the host.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BootstrapScriptTests : IDisposable
{
    private const string Bucket = "deploy-bucket";
    private readonly TempFolder _folder = new();

    public BootstrapScriptTests()
    {
        var bin = Directory.CreateDirectory(_folder["bin"]).FullName;
        Shim(bin, "aws", """
            echo "aws $*" >> "$SHIM_LOG"
            [ "$1 $2" = "s3 cp" ] || { echo "fake aws: only 's3 cp' is modelled" >&2; exit 2; }
            key="${3#s3://}"
            cp "$FAKE_S3/$key" "$4" 2>/dev/null || { echo "fatal error: An error occurred (404) when calling the HeadObject operation: Not Found" >&2; exit 1; }
            """);
        Shim(bin, "sudo", """
            echo "sudo $*" >> "$SHIM_LOG"
            exec "$@"
            """);
        Shim(bin, "shutdown", """
            echo "shutdown $*" >> "$SHIM_LOG"
            """);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Script => Path.Combine(RepoPaths.Root, "src", "Jobs", "emr", JobBundle.BootstrapScript);

    private static string Rid => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";

    private string Install => _folder["node/opt/oneoff"];

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Bootstrap_PrimaryNode_InstallsTheRealJobChecksHelpAndSchedulesTheLease()
    {
        var (_, bundle, _) = await BundleFiles.RealAsync();
        var uri = Upload(bundle);
        var info = InstanceInfo(isMaster: true);

        var run = await BootstrapAsync(info, uri, Install, "90");

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Path.Combine(Install, "oneoff-job")));
        Assert.Equal(await File.ReadAllBytesAsync(bundle.Artifact(JobBundle.DriverScript).Path, Ct), await File.ReadAllBytesAsync(Path.Combine(Install, "driver.py"), Ct));
        Assert.Contains($"installed oneoff-job ({Rid})", run.StdOut, StringComparison.Ordinal);
        var log = await ShimLogAsync();
        Assert.Contains(log, l => l.StartsWith($"sudo tar -xzf ", StringComparison.Ordinal) && l.Contains($"-C {Install}", StringComparison.Ordinal));
        Assert.Contains(log, l => l.StartsWith("shutdown -h +90", StringComparison.Ordinal));
        var help = await ProcessRunner.RunAsync(Path.Combine(Install, "oneoff-job"), ["--help"]);
        Assert.Equal(0, help.ExitCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(null)]
    public async Task Bootstrap_NotPrimary_InstallsWithoutLease(bool? isMaster)
    {
        var uri = Upload(await SmallBundleAsync());
        var info = isMaster is { } master ? InstanceInfo(master) : _folder["no-such/instance.json"];

        var run = await BootstrapAsync(info, uri, Install, "90");

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.True(File.Exists(Path.Combine(Install, "oneoff-job")));
        Assert.DoesNotContain(await ShimLogAsync(), l => l.StartsWith("shutdown", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bootstrap_DownloadFails_SaysWhichObjectAndExits1()
    {
        var uri = $"s3://{Bucket}/prefix/artifacts/{new string('0', 64)}/";

        var run = await BootstrapAsync(InstanceInfo(true), uri, Install, "90");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"oneoff bootstrap: could not download {uri}{JobBundle.TarballName(Rid)}", run.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Install, "oneoff-job")));
        Assert.DoesNotContain(await ShimLogAsync(), l => l.StartsWith("shutdown", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bootstrap_DamagedTarball_SaysItCouldNotUnpackAndExits1()
    {
        var bundle = await SmallBundleAsync();
        var uri = Upload(bundle);
        await File.WriteAllTextAsync(Path.Combine(S3Folder(bundle), JobBundle.TarballName(Rid)), "not a tarball", Ct);

        var run = await BootstrapAsync(InstanceInfo(true), uri, Install, "90");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"oneoff bootstrap: could not unpack {JobBundle.TarballName(Rid)} into {Install}", run.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain(await ShimLogAsync(), l => l.StartsWith("shutdown", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bootstrap_HelpFails_SaysSoWithTheJobsOutputAndExits1()
    {
        var uri = Upload(await SmallBundleAsync("#!/bin/sh\necho 'cannot find libcoreclr.so' >&2\nexit 3\n"));

        var run = await BootstrapAsync(InstanceInfo(true), uri, Install, "90");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"oneoff bootstrap: {Install}/oneoff-job --help failed on this node", run.StdErr, StringComparison.Ordinal);
        Assert.Contains("cannot find libcoreclr.so", run.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain(await ShimLogAsync(), l => l.StartsWith("shutdown", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("s3://b/artifacts/h/", "relative/dir", "90", "absolute path")]
    [InlineData("s3://b/artifacts/h/", "/opt/x", "soon", "whole number of minutes")]
    [InlineData("/local/artifacts", "/opt/x", "90", "must start with s3://")]
    public async Task Bootstrap_BadArguments_Exit2NamingTheArgument(string uri, string install, string lease, string expected)
    {
        var run = await BootstrapAsync(InstanceInfo(true), uri, install, lease);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder["shims.log"]), "nothing was called");
    }

    [Fact]
    public async Task Bootstrap_NoArguments_PrintsUsageAndExits2()
    {
        var run = await ProcessRunner.RunAsync("/bin/bash", [Script], environment: Environment());

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("usage: bootstrap.sh s3://", run.StdErr, StringComparison.Ordinal);
    }

    private Task<JobBundle> SmallBundleAsync(string? job = null) =>
        JobBundle.BuildAsync(BundleFiles.SmallSource(_folder, job: job), _folder["small-out"], Ct);

    private string S3Folder(JobBundle bundle) => _folder[$"s3/{Bucket}/prefix/artifacts/{bundle.ContentHash}"];

    /// <summary>Puts the artifacts where the fake aws finds them; returns the bootstrap action's URI.</summary>
    private string Upload(JobBundle bundle)
    {
        var folder = Directory.CreateDirectory(S3Folder(bundle)).FullName;
        foreach (var artifact in bundle.Artifacts)
        {
            File.Copy(artifact.Path, Path.Combine(folder, artifact.Name), overwrite: true);
        }

        return $"s3://{Bucket}/prefix/artifacts/{bundle.ContentHash}/";
    }

    private string InstanceInfo(bool isMaster)
    {
        var path = _folder["node/mnt/var/lib/info/instance.json"];
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $$"""{"instanceGroupId":"ig-1","isMaster": {{(isMaster ? "true" : "false")}},"isRunningNameNode":true}""");
        return path;
    }

    private Task<ProcessRunner.Result> BootstrapAsync(string instanceInfo, params string[] arguments)
    {
        var environment = Environment();
        environment["ONEOFF_INSTANCE_INFO"] = instanceInfo;
        return ProcessRunner.RunAsync("/bin/bash", [Script, .. arguments], environment: environment, timeout: TimeSpan.FromMinutes(2));
    }

    private Dictionary<string, string?> Environment() => new()
    {
        ["PATH"] = $"{_folder["bin"]}:{System.Environment.GetEnvironmentVariable("PATH")}",
        ["SHIM_LOG"] = _folder["shims.log"],
        ["FAKE_S3"] = _folder["s3"],
    };

    private async Task<string[]> ShimLogAsync() => File.Exists(_folder["shims.log"]) ? await File.ReadAllLinesAsync(_folder["shims.log"], Ct) : [];

    private static void Shim(string bin, string name, string body)
    {
        var path = Path.Combine(bin, name);
        File.WriteAllText(path, "#!/usr/bin/env bash\nset -euo pipefail\n" + body.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        File.SetUnixFileMode(path, (UnixFileMode)0x1ED);
    }
}
