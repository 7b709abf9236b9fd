using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Authentication;

/// <summary>OneOff:Admin:Password only sets the first admin's password at the very first start, and says so later.</summary>
public sealed class FirstAdminTests
{
    [Fact]
    public async Task Restart_AdminPasswordSetAgain_IsIgnoredAndTheLogSaysSo()
    {
        using var folder = new TempFolder();
        await using (var first = new DashboardApp(folder.Path))
        {
            _ = first.Server;
        }

        var logs = new CapturingLogs();
        await using var second = new DashboardApp(folder.Path, services => services.AddSingleton<ILoggerProvider>(logs),
            new Dictionary<string, string?> { ["OneOff:Admin:Password"] = "Another-Pass-2026" });
        _ = second.Server;
        using var withNew = await DashboardApp.LogInAsync(second.Client(), "admin", "Another-Pass-2026");
        using var withOld = await DashboardApp.LogInAsync(second.Client(), "admin", DashboardApp.AdminPassword);

        Assert.Contains(logs.Messages, m => m.StartsWith("OneOff:Admin:Password is set but ignored", StringComparison.Ordinal));
        Assert.Equal(System.Net.HttpStatusCode.OK, withNew.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, withOld.StatusCode);
    }

    private sealed class CapturingLogs : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Messages);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception));
        }
    }
}
