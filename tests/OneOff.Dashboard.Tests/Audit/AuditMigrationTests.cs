using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Dashboard.Audit;
using OneOff.Dashboard.Data;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Audit;

/// <summary>The audit table arrives in a database of the previous release, and retention runs at start.</summary>
public sealed class AuditMigrationTests
{
    private const string PreviousRelease = "20261125090137_Initial";

    [Fact]
    public async Task Start_DatabaseOfThePreviousRelease_MigratesKeepsItsUsersAndRecords()
    {
        using var folder = new TempFolder();
        await using (var first = new DashboardApp(folder.Path))
        {
            _ = first.Server;
            await first.CreateUserAsync("kept-user", OneOff.Dashboard.Authentication.DashboardRoles.Viewer);
        }

        await using (var db = Open(folder.Path))
        {
            await db.GetService<IMigrator>().MigrateAsync(PreviousRelease, TestContext.Current.CancellationToken);
            Assert.Equal([PreviousRelease], await db.Database.GetAppliedMigrationsAsync(TestContext.Current.CancellationToken));
        }

        await using var upgraded = new DashboardApp(folder.Path);
        _ = upgraded.Server;
        using var login = await DashboardApp.LogInAsync(upgraded.Client(), "kept-user", DashboardApp.UserPassword);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        await using var after = Open(folder.Path);
        Assert.Empty(await after.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
        Assert.Contains(await AuditFixture.EntriesAsync(upgraded), e => e.Action == AuditAction.SignedIn && e.Actor == "kept-user");
    }

    [Fact]
    public async Task Start_EntriesOlderThanTheRetention_AreDeleted()
    {
        using var folder = new TempFolder();
        await using (var first = new DashboardApp(folder.Path))
        {
            _ = first.Server;
            await using var db = Open(folder.Path);
            db.AuditEntries.Add(AuditEntry.Create(TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(-366), AuditAction.SignedIn, "year-old", null, null, null, null));
            db.AuditEntries.Add(AuditEntry.Create(TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(-364), AuditAction.SignedIn, "within-a-year", null, null, null, null));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using var second = new DashboardApp(folder.Path);
        _ = second.Server;
        var actors = await WaitForPruneAsync(second);

        Assert.DoesNotContain("year-old", actors);
        Assert.Contains("within-a-year", actors);
    }

    private static async Task<List<string?>> WaitForPruneAsync(DashboardApp app)
    {
        // Retention runs in the background once the host has started: give it a moment, no more.
        var deadline = TimeProvider.System.GetUtcNow().UtcDateTime.AddSeconds(20);
        List<string?> actors;
        do
        {
            actors = [.. (await AuditFixture.EntriesAsync(app)).Select(e => e.Actor)];
            if (!actors.Contains("year-old"))
            {
                break;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        while (TimeProvider.System.GetUtcNow().UtcDateTime < deadline);
        return actors;
    }

    private static DashboardDbContext Open(string dataRoot) =>
        new(new DbContextOptionsBuilder<DashboardDbContext>().UseSqlite($"Data Source={Path.Combine(dataRoot, DatabaseInitializer.DatabaseFileName)};Pooling=False").Options);
}
