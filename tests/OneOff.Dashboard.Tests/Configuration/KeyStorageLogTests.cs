using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OneOff.Dashboard.Configuration;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Configuration;

/// <summary>A first start explains in one line of ours how the sign-in keys are kept, not with the framework's warning.</summary>
public sealed class KeyStorageLogTests
{
    [Fact]
    public async Task FirstStart_NewKey_OurLineOnceAndNoUnencryptedWarning()
    {
        using var folder = new TempFolder();
        var logs = new CapturedLogs();
        await using var app = new DashboardApp(folder.Path, services => services.AddSingleton<ILoggerProvider>(logs));
        _ = app.Server;
        using var login = await app.Client().GetAsync(new Uri("/login", UriKind.Relative));

        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("No XML encryptor configured", StringComparison.Ordinal));
        var ours = Assert.Single(logs.Entries, e => e.Category == typeof(PrivateKeyRepository).FullName);
        Assert.Contains(Path.Combine(folder.Path, "keys"), ours.Message, StringComparison.Ordinal);
        Assert.Contains("0700", ours.Message, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            foreach (var file in Directory.GetFiles(Path.Combine(folder.Path, "keys")))
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }
        }
    }

    [Fact]
    public async Task Restart_KeyExists_NoLineAgain()
    {
        using var folder = new TempFolder();
        await using (var first = new DashboardApp(folder.Path))
        {
            using var login = await first.Client().GetAsync(new Uri("/login", UriKind.Relative));
        }

        var logs = new CapturedLogs();
        await using var second = new DashboardApp(folder.Path, services => services.AddSingleton<ILoggerProvider>(logs));
        using var again = await second.Client().GetAsync(new Uri("/login", UriKind.Relative));

        Assert.DoesNotContain(logs.Entries, e => e.Category == typeof(PrivateKeyRepository).FullName);
    }
}
