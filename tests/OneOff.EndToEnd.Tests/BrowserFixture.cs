using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Dashboard.Components;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;

namespace OneOff.EndToEnd.Tests;

/// <summary>The real dashboard on Kestrel at 127.0.0.1 (a free port) and one headless Debian chromium for the class.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string AdminPassword = "Admin-Pass-2026";
    private readonly string _dataRoot = Directory.CreateTempSubdirectory("oneoff-e2e-").FullName;
    private DashboardServer? _server;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public static string ScreenshotFolder { get; } = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "screenshots"));

    public async ValueTask InitializeAsync()
    {
        _server = new DashboardServer(_dataRoot);
        _server.UseKestrel(0);
        _server.StartServer();
        BaseAddress = _server.ClientOptions.BaseAddress;
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        Directory.CreateDirectory(ScreenshotFolder);
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1360, Height = 900 },
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_server is not null)
        {
            // Jobs outlive the app by design (a restart re-attaches); a test leaves none behind.
            await _server.CancelUnfinishedRunsAsync();
            await _server.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataRoot, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class DashboardServer(string dataRoot) : WebApplicationFactory<App>
    {
        public async Task CancelUnfinishedRunsAsync()
        {
            var coordinator = Services.GetRequiredService<RunCoordinator>();
            await using var scope = Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
            var principals = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<DashboardUser>>();
            var admin = await principals.CreateAsync(await users.FindByNameAsync("admin") ?? throw new InvalidOperationException("No admin."));
            foreach (var run in await coordinator.ListAsync())
            {
                if (!run.IsFinished)
                {
                    await coordinator.CancelAsync(admin, run.Id);
                }
            }
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("OneOff:DataRoot", dataRoot);
            builder.UseSetting("OneOff:Admin:Password", AdminPassword);
        }
    }
}
