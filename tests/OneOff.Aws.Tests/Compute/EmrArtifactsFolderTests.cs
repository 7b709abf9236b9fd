using OneOff.Aws.Compute;

namespace OneOff.Aws.Tests.Compute;

/// <summary>
/// Where <see cref="EmrJobRunner"/> packs the job bundle: a folder of this process's own, owner-only. Measured before:
/// one fixed folder under /tmp for every process made the smoke verb fail while a dashboard packed the same bundle
/// ("being used by another process"), and any user of the host could have created that folder first.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class EmrArtifactsFolderTests
{
    [Fact]
    public void ArtifactsFolder_OneSourceFolder_IsOneFolderUnderAnOwnerOnlyFolderOfThisProcess()
    {
        var folder = EmrJobRunner.ArtifactsFolder("/srv/oneoff/bundle");
        var root = Path.GetDirectoryName(folder)!;

        Assert.Equal(folder, EmrJobRunner.ArtifactsFolder("/srv/oneoff/bundle"));
        Assert.NotEqual(folder, EmrJobRunner.ArtifactsFolder("/srv/oneoff/other-bundle"));
        Assert.Equal(Path.GetFullPath(Path.GetTempPath()).TrimEnd('/'), Path.GetDirectoryName(root));
        Assert.StartsWith($"oneoff-bundle-{Environment.ProcessId}-", Path.GetFileName(root), StringComparison.Ordinal);
        Assert.True(Directory.Exists(root));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(root));
    }

    [Fact]
    public async Task RemoveArtifactsOfEndedProcesses_RemovesAnEndedProcesssFolderAndKeepsARunningOnes()
    {
        using var ended = System.Diagnostics.Process.Start("true")!;
        await ended.WaitForExitAsync(TestContext.Current.CancellationToken);
        using var running = System.Diagnostics.Process.Start("sleep", "60")!;
        var endedFolder = Directory.CreateTempSubdirectory($"oneoff-bundle-{ended.Id}-").FullName;
        var runningFolder = Directory.CreateTempSubdirectory($"oneoff-bundle-{running.Id}-").FullName;
        var unrelated = Directory.CreateTempSubdirectory("oneoff-bundle-notapid-").FullName;
        File.WriteAllText(Path.Combine(endedFolder, "oneoff-job-linux-x64.tar.gz"), "left by a crash");
        try
        {
            EmrJobRunner.RemoveArtifactsOfEndedProcesses();

            Assert.False(Directory.Exists(endedFolder));
            Assert.True(Directory.Exists(runningFolder));
            Assert.True(Directory.Exists(unrelated));
        }
        finally
        {
            running.Kill();
            Directory.Delete(runningFolder, recursive: true);
            Directory.Delete(unrelated, recursive: true);
        }
    }
}
