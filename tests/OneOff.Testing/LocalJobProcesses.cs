using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using OneOff.Core.Compute;

namespace OneOff.Testing;

/// <summary>What tests ask of a local job's process from outside the runner: is it still there?</summary>
public static class LocalJobProcesses
{
    /// <summary>
    /// Whether the process of a <see cref="LocalJobRunner"/> handle (<c>{pid}@{start ticks, UTC}</c>) is alive: the
    /// same id, started at the same time (within the clock's 1 s resolution), not a zombie.
    /// </summary>
    public static bool IsAlive(JobHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var at = handle.Id.IndexOf('@', StringComparison.Ordinal);
        if (handle.Runner != LocalJobRunner.RunnerName || at <= 0
            || !int.TryParse(handle.Id.AsSpan(0, at), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(handle.Id.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            if (process.HasExited || Math.Abs(process.StartTime.ToUniversalTime().Ticks - ticks) > TimeSpan.TicksPerSecond)
            {
                return false;
            }

            return !OperatingSystem.IsLinux() || !IsZombie(pid);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Win32Exception)
        {
            return false;
        }
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            return close < 0 || close + 2 >= stat.Length || stat[close + 2] is 'Z' or 'X';
        }
        catch (IOException)
        {
            return true;
        }
    }
}
