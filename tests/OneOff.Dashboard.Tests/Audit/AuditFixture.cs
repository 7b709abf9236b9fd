using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Dashboard.Audit;
using OneOff.Dashboard.Data;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Audit;

/// <summary>
/// One app for a test class whose requests come from <see cref="ClientAddress"/> (the test server has no socket;
/// the audit log reads <c>HttpContext.Connection.RemoteIpAddress</c> as Kestrel fills it).
/// </summary>
public sealed class AuditFixture : IAsyncLifetime
{
    public static readonly IPAddress ClientAddress = IPAddress.Parse("203.0.113.7");

    private readonly TempFolder _folder = new();

    internal DashboardApp App { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        App = new DashboardApp(_folder.Path, services => services.AddSingleton<IStartupFilter, FixedClientAddress>());
        _ = App.Server;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        _folder.Dispose();
    }

    /// <summary>Every entry in the database, oldest first.</summary>
    internal static async Task<IReadOnlyList<AuditEntry>> EntriesAsync(DashboardApp app)
    {
        var contexts = app.Services.GetRequiredService<IDbContextFactory<DashboardDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
    }

    private sealed class FixedClientAddress : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress ??= ClientAddress;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
