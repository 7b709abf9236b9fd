using Microsoft.Playwright;
using OneOff.Testing;

namespace OneOff.EndToEnd.Tests;

/// <summary>The real dashboard on Kestrel at 127.0.0.1 (a free port) and one headless Debian chromium for the class.</summary>
public class BrowserFixture : IAsyncLifetime
{
    public const string AdminPassword = DashboardApp.AdminPassword;
    private readonly string _dataRoot = Directory.CreateTempSubdirectory("oneoff-e2e-").FullName;
    private DashboardApp? _server;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The app itself (its services: users, runs).</summary>
    public DashboardApp Server => _server ?? throw new InvalidOperationException("Not started.");

    /// <summary>Settings of the app (none: the defaults).</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    public static string ScreenshotFolder { get; } = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "screenshots"));

    public async ValueTask InitializeAsync()
    {
        _server = new DashboardApp(_dataRoot, settings: Settings);
        _server.UseKestrel(0);
        _server.StartServer();
        BaseAddress = _server.ClientOptions.BaseAddress;
        _playwright = await Playwright.CreateAsync();
        Browser = await LaunchChromiumAsync(_playwright);
    }

    public Task<IPage> NewPageAsync() => NewPageAsync(Browser, BaseAddress);

    /// <summary>Debian's headless chromium (never a downloaded browser), and the screenshot folder.</summary>
    internal static async Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright)
    {
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        Directory.CreateDirectory(ScreenshotFolder);
        return browser;
    }

    /// <summary>A page of a new browser context on <paramref name="baseAddress"/>, laptop-sized, 30 s default timeout.</summary>
    internal static async Task<IPage> NewPageAsync(IBrowser browser, Uri baseAddress)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1360, Height = 900 },
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_server is not null)
        {
            // Jobs outlive the app by design (a restart re-attaches); disposing the fixture's app cancels them.
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
}
