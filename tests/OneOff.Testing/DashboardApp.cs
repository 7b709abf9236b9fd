using System.Net;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Components;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;

namespace OneOff.Testing;

/// <summary>
/// The real dashboard over a data root of its own (a temp folder kept across restarts): on a TestServer for the
/// dashboard tests, or on Kestrel at 127.0.0.1 (<see cref="WebApplicationFactory{TEntryPoint}.UseKestrel(int)"/>)
/// for the browser tests. Disposing it cancels its unfinished runs unless <see cref="CancelRunsOnDispose"/> is off.
/// </summary>
public sealed partial class DashboardApp(string dataRoot, Action<IServiceCollection>? services = null, IReadOnlyDictionary<string, string?>? settings = null, bool generateAdminPassword = false)
    : WebApplicationFactory<App>
{
    public const string AdminPassword = "Harbor-Lantern-2026";
    public const string UserPassword = "User-Pass-2026";

    public string DataRoot { get; } = dataRoot;

    /// <summary>The runs as the pages read them.</summary>
    public RunQueries Runs => Services.GetRequiredService<RunQueries>();

    /// <summary>Submit, cancel and delete, with the role checks.</summary>
    public RunCommands Commands => Services.GetRequiredService<RunCommands>();

    private bool _built;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        _built = true;
        builder.UseEnvironment("Production");
        builder.UseSetting("OneOff:DataRoot", DataRoot);
        if (!generateAdminPassword)
        {
            builder.UseSetting("OneOff:Admin:Password", AdminPassword);
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        if (!RealSignInLimits)
        {
            // Many sign-ins from one test client within a minute: the brakes are the sign-in tests' own subject.
            builder.ConfigureServices(s => s.Configure<SignInLimitOptions>(o =>
            {
                o.PerClientPerMinute = 100_000;
                o.PerUserNamePerMinute = 100_000;
            }));
        }

        if (services is not null)
        {
            builder.ConfigureServices(services);
        }
    }

    /// <summary>Whether the sign-in rate limits are the app's (10 a minute per client, 5 per name); off by default.</summary>
    public bool RealSignInLimits { get; init; }

    /// <summary>
    /// Whether disposing the app cancels its unfinished runs (default). The restart tests turn it off: there
    /// the job must outlive the app, as it does in production.
    /// </summary>
    public bool CancelRunsOnDispose { get; init; } = true;

    public override async ValueTask DisposeAsync()
    {
        // Services, not Server: on Kestrel (the browser tests) there is no TestServer.
        if (CancelRunsOnDispose && _built)
        {
            var admin = await PrincipalAsync("admin");
            foreach (var run in await Runs.ListAsync())
            {
                if (!run.IsFinished)
                {
                    await Commands.CancelAsync(admin, run.Id);
                }
            }
        }

        await base.DisposeAsync();
    }

    public HttpClient Client() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Creates a user holding every role up to <paramref name="level"/>.</summary>
    public async Task CreateUserAsync(string userName, string level)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        var user = new DashboardUser { UserName = userName };
        Check(await users.CreateAsync(user, UserPassword));
        Check(await users.AddToRolesAsync(user, DashboardRoles.Implied(level)));
    }

    /// <summary>A new user of <paramref name="level"/> and a client signed in as them.</summary>
    public async Task<HttpClient> SignedInClientAsync(string userName, string level)
    {
        await CreateUserAsync(userName, level);
        var client = Client();
        (await LogInAsync(client, userName, UserPassword)).Dispose();
        return client;
    }

    /// <summary>The principal the app builds for a signed-in user (its role claims included).</summary>
    public async Task<ClaimsPrincipal> PrincipalAsync(string userName)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        var factory = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<DashboardUser>>();
        var user = await users.FindByNameAsync(userName) ?? throw new InvalidOperationException($"No user {userName}.");
        return await factory.CreateAsync(user);
    }

    /// <summary>Posts the login form as a browser does (antiforgery token and form name from the page).</summary>
    public static async Task<HttpResponseMessage> LogInAsync(HttpClient client, string userName, string password, string? returnUrl = null)
    {
        var page = await client.GetStringAsync(new Uri("/login", UriKind.Relative));
        var form = new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = TokenOf(page),
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
            ["ReturnUrl"] = returnUrl ?? "",
        };
        var target = returnUrl is null ? "/login" : $"/login?ReturnUrl={Uri.EscapeDataString(returnUrl)}";
        using var content = new FormUrlEncodedContent(form);
        return await client.PostAsync(new Uri(target, UriKind.Relative), content);
    }

    public static string TokenOf(string html)
    {
        var match = TokenPattern().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException("No antiforgery token on the page.");
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
