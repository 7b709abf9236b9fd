using System.Runtime.InteropServices;

namespace OneOff.Dashboard.Configuration;

/// <summary>The one libc call the dashboard makes.</summary>
internal static class NativeMethods
{
    /// <summary>Owner-only permissions (umask 077) for every file and folder this process (and its job) creates.</summary>
    public static void MakeNewFilesPrivate()
    {
        if (!OperatingSystem.IsWindows())
        {
            _ = Umask(0x3F);
        }
    }

    [DllImport("libc", EntryPoint = "umask")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint Umask(uint mask);
}
