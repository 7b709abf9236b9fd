using System.Collections.Concurrent;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OneOff.Dashboard.Audit;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Audit;

/// <summary>The audit log's own behaviour: the query, retention, a database that cannot be written.</summary>
public sealed class AuditLogTests(AuditFixture fixture) : IClassFixture<AuditFixture>
{
    private DashboardApp App => fixture.App;

    private AuditLog Audit => App.Services.GetRequiredService<AuditLog>();

    [Fact]
    public async Task QueryAsync_Admin_FiltersByUserAndActionNewestFirstFiftyAPage()
    {
        var admin = await App.PrincipalAsync("admin");
        for (var i = 0; i < 120; i++)
        {
            await Audit.RecordAsync(i % 2 == 0 ? AuditAction.RunStarted : AuditAction.RunDeleted, "log-many", target: $"run-{i:000}");
        }

        var first = await Audit.QueryAsync(admin, new AuditQuery("LOG-MANY"), TestContext.Current.CancellationToken);
        var third = await Audit.QueryAsync(admin, new AuditQuery("log-many", Page: 3), TestContext.Current.CancellationToken);
        var beyond = await Audit.QueryAsync(admin, new AuditQuery("log-many", Page: 99), TestContext.Current.CancellationToken);
        var deleted = await Audit.QueryAsync(admin, new AuditQuery("log-many", AuditAction.RunDeleted), TestContext.Current.CancellationToken);

        Assert.Equal(120, first.Total);
        Assert.Equal(3, first.PageCount);
        Assert.Equal(50, first.Entries.Count);
        Assert.Equal("run-119", first.Entries[0].Target);
        Assert.Equal("run-070", first.Entries[^1].Target);
        Assert.Equal(20, third.Entries.Count);
        Assert.Equal("run-000", third.Entries[^1].Target);
        Assert.Equal(3, beyond.Page);
        Assert.Equal(60, deleted.Total);
        Assert.All(deleted.Entries, e => Assert.Equal(AuditAction.RunDeleted, e.Action));
    }

    [Fact]
    public async Task QueryAsync_Operator_GetsNothing()
    {
        await Audit.RecordAsync(AuditAction.SignedIn, "log-op");
        await App.CreateUserAsync("log-op", DashboardRoles.Operator);

        var page = await Audit.QueryAsync(await App.PrincipalAsync("log-op"), new AuditQuery(), TestContext.Current.CancellationToken);

        Assert.Empty(page.Entries);
        Assert.Equal(0, page.Total);
    }

    [Fact]
    public async Task PruneAsync_EntriesOlderThanTheRetention_AreDeletedOthersKept()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow().AddDays(-40));
        var audit = new AuditLog(
            App.Services.GetRequiredService<IDbContextFactory<DashboardDbContext>>(), time,
            Options.Create(new AuditOptions { RetentionDays = 30 }), App.Services.GetRequiredService<ILogger<AuditLog>>());
        await audit.RecordAsync(AuditAction.SignedIn, "prune-old");
        time.Advance(TimeSpan.FromDays(30));
        await audit.RecordAsync(AuditAction.SignedIn, "prune-recent");
        time.Advance(TimeSpan.FromDays(10));

        var removed = await audit.PruneAsync(TestContext.Current.CancellationToken);

        var actors = (await AuditFixture.EntriesAsync(App)).Select(e => e.Actor).ToList();
        Assert.Equal(1, removed);
        Assert.DoesNotContain("prune-old", actors);
        Assert.Contains("prune-recent", actors);
    }

    [Fact]
    public async Task RecordAsync_DatabaseWithoutTheTable_LogsAnErrorAndDoesNotThrow()
    {
        using var folder = new TempFolder();
        var logs = new ErrorLogs();
        var audit = new AuditLog(new EmptyDatabase(folder["empty.db"]), TimeProvider.System, Options.Create(new AuditOptions()), logs.CreateLogger<AuditLog>());

        await audit.RecordAsync(AuditAction.UserLocked, "log-admin", target: "log-victim", clientIp: IPAddress.Loopback);

        var message = Assert.Single(logs.Messages);
        Assert.Equal("The audit log could not record UserLocked by log-admin on log-victim; the action itself happened", message);
    }

    [Fact]
    public void Create_LongTextsAndMappedAddress_AreCutToTheColumns()
    {
        var entry = AuditEntry.Create(TimeProvider.System.GetUtcNow().UtcDateTime, AuditAction.SignInFailed, null, new string('t', 300), new string('d', 300), null, new string('u', 1000));

        Assert.Equal(AuditEntry.NameLength, entry.AttemptedUserName?.Length);
        Assert.Equal(AuditEntry.NameLength, entry.Target?.Length);
        Assert.Equal(AuditEntry.DetailLength, entry.Detail?.Length);
        Assert.Null(entry.Actor);
    }

    [Fact]
    public async Task RecordAsync_IPv4MappedAddress_IsStoredAsIPv4()
    {
        await Audit.RecordAsync(AuditAction.SignedIn, "log-mapped", clientIp: IPAddress.Parse("198.51.100.4").MapToIPv6());

        Assert.Equal("198.51.100.4", (await AuditFixture.EntriesAsync(App)).Single(e => e.Actor == "log-mapped").ClientIp);
    }

    private sealed class EmptyDatabase(string path) : IDbContextFactory<DashboardDbContext>
    {
        public DashboardDbContext CreateDbContext() =>
            new(new DbContextOptionsBuilder<DashboardDbContext>().UseSqlite($"Data Source={path}").Options);
    }

    private sealed class ErrorLogs : ILoggerFactory, ILogger
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Messages.Enqueue(formatter(state, exception));
            }
        }

        public void Dispose()
        {
        }
    }
}
