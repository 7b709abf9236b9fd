using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OneOff.Aws;
using OneOff.Core.Compute;
using OneOff.Core.Configuration;
using OneOff.Core.Storage;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Components;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Health;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Results;
using OneOff.Dashboard.Runs;
using OneOff.DuckDb;

namespace OneOff.Dashboard.Configuration;

/// <summary>The dashboard's composition root: the only place that reads configuration and picks adapters.</summary>
public static class DashboardHostingExtensions
{
    public static WebApplicationBuilder AddOneOffDashboard(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddBaseDirectorySettings(builder.Configuration, builder.Environment);

        // Serve wwwroot and the framework's scripts from a build output too (dotnet run, tests), in every
        // environment; a published app has them in its wwwroot and this does nothing.
        builder.WebHost.UseStaticWebAssets();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        var services = builder.Services;

        // OneOff:Mode is read once, here, and picks the adapters; nothing below the composition root branches on it.
        var mode = ModeSelection.Read(builder.Configuration);
        services.AddOptions<OneOffOptions>().BindConfiguration(OneOffOptions.SectionName)
            .Configure(o => o.Mode = mode.Mode).ValidateOnStart();
        services.AddSingleton(mode);
        services.AddSingleton(sp => new StartupCheck(() => FindStartupProblem(sp)));
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName).ValidateOnStart();
        services.AddOptions<RunsOptions>().BindConfiguration(RunsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OneOffOptions>>(new OneOffOptionsValidator(mode));
        services.AddSingleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>();
        services.AddSingleton<IValidateOptions<RunsOptions>, RunsOptionsValidator>();
        services.AddOneOffCore();

        services.AddDbContextFactory<DashboardDbContext>((sp, db) =>
            db.UseSqlite($"Data Source={Path.Combine(sp.GetRequiredService<IOptions<OneOffOptions>>().Value.DataRootPath, "oneoff.db")}"));

        AddSignIn(services);

        // Keys under the data root: a restart signs nobody out and keeps antiforgery tokens valid.
        services.AddDataProtection().SetApplicationName("OneOff");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<OneOffOptions>, ILoggerFactory>((keys, oneOff, logs) =>
            keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(oneOff.Value.DataRootPath, "keys")), logs));

        if (mode.Mode == OneOffMode.Aws)
        {
            services.AddOneOffAws();
        }
        else
        {
            AddLocalAdapters(services);
        }

        // The run page's data: the mode's query engine behind HybridCache; deleting a run evicts its cache entries.
        services.AddOneOffResults();
        services.AddHostedService<ResultsCacheEviction>();

        // Hosted services start in this order: the database first, then the scheduler reconciles runs.
        services.AddHostedService<DatabaseInitializer>();
        services.TryAddSingleton<RunFeed>();
        services.TryAddSingleton<RunStore>();
        services.TryAddSingleton<RunEndings>();
        services.TryAddSingleton<RunAdoption>();
        services.TryAddSingleton<RunScheduler>();
        services.TryAddSingleton<RunCommands>();
        services.TryAddSingleton<RunQueries>();
        services.AddHostedService(sp => sp.GetRequiredService<RunScheduler>());
        services.TryAddSingleton<UserAdministration>();
        services.TryAddTransient<RunListViewModel>();
        services.TryAddTransient<RunDetailsViewModel>();

        // More checks join /healthz with services.AddHealthChecks().AddCheck<T>("name").
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<ObjectStoreHealthCheck>("object_store")
            .AddCheck<QueryEngineHealthCheck>("query_engine");

        services.AddRazorComponents().AddInteractiveServerComponents();
        return builder;
    }

    public static WebApplication MapOneOff(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (StartupProblem(app.Services) is not null)
        {
            // Mapping resolves services whose options are bad; RunOneOffAsync says what is wrong in one line.
            return app;
        }

        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }

        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            return next(context);
        });
        // Before the status-code pages: a refused circuit is a bare 403, not a re-executed page.
        app.UseSameOriginCircuits();
        app.UseStatusCodePagesWithReExecute("/not-found");
        app.UseSignInRateLimits();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseTwoFactorRequirement();
        app.UseAntiforgery();

        // Static files are public (the login page needs its stylesheet and script); everything else is not.
        app.MapStaticAssets().AllowAnonymous();
        app.MapHealthChecks("/healthz", HealthResponse.Options).AllowAnonymous();
        app.MapPost("/logout", async ([FromForm] string? returnUrl, SignInManager<DashboardUser> signIn) =>
        {
            await signIn.SignOutAsync().ConfigureAwait(false);
            return TypedResults.LocalRedirect("/login");
        }).WithMetadata(new SkipStatusCodePagesAttribute());
        app.MapPasswordStrength();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    /// <summary>
    /// Checks every option registered with <c>ValidateOnStart</c> (whichever project registered it: no list kept
    /// here) before the host starts, so that a bad value stops the app with one line naming the key (exit code 2)
    /// rather than a stack trace; then runs the app.
    /// </summary>
    public static async Task<int> RunOneOffAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (StartupProblem(app.Services) is { } problem)
        {
            await Console.Error.WriteLineAsync(problem).ConfigureAwait(false);
            return 2;
        }

        // The data root holds password hashes, signing keys and runs: whatever the app creates is its user's only.
        NativeMethods.MakeNewFilesPrivate();
        try
        {
            await app.RunAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Checked at start already; this is the folder or a file in it failing meanwhile (full disk, permissions).
            var dataRoot = app.Services.GetRequiredService<IOptions<OneOffOptions>>().Value.DataRootPath;
            await Console.Error.WriteLineAsync($"OneOff could not use OneOff:DataRoot '{dataRoot}': {e.Message}").ConfigureAwait(false);
            return 1;
        }

        return 0;
    }

    /// <summary>
    /// What stops the app at start, as one line: every validation failure of every option, or null. Found once per
    /// app (MapOneOff and RunOneOffAsync both ask).
    /// </summary>
    internal static string? StartupProblem(IServiceProvider services) =>
        services.GetService<StartupCheck>() is { } check ? check.Problem : FindStartupProblem(services);

    private static string? FindStartupProblem(IServiceProvider services)
    {
        if (services.GetService<ModeSelection>()?.Problem is { } mode)
        {
            return mode;
        }

        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            return null;
        }
        catch (OptionsValidationException e)
        {
            return string.Join(" ", e.Failures);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is OptionsValidationException))
        {
            return string.Join(" ", e.InnerExceptions.Cast<OptionsValidationException>().SelectMany(x => x.Failures));
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            // The binder's own message names the key and the value; it is the only line the operator needs.
            return e.Message + " Fix that value (or remove it for the default).";
        }
    }

    /// <summary>
    /// The one appsettings.json sits next to the app (the content root may be any folder): it is read from the
    /// base directory, before environment variables and the command line so that they override it.
    /// </summary>
    private static void AddBaseDirectorySettings(ConfigurationManager configuration, IWebHostEnvironment environment)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        if (!File.Exists(path) || string.Equals(Path.GetFullPath(environment.ContentRootPath).TrimEnd('/'), AppContext.BaseDirectory.TrimEnd('/'), StringComparison.Ordinal))
        {
            return;
        }

        var sources = (IList<IConfigurationSource>)configuration.Sources;
        var at = 0;
        while (at < sources.Count && sources[at] is not (Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource or Microsoft.Extensions.Configuration.CommandLine.CommandLineConfigurationSource))
        {
            at++;
        }

        sources.Insert(at, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
        {
            Path = "appsettings.json",
            Optional = true,
            FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(AppContext.BaseDirectory),
        });
    }

    private static void AddSignIn(IServiceCollection services)
    {
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingAuthenticationStateProvider>();
        services.AddAuthentication(o =>
        {
            o.DefaultScheme = IdentityConstants.ApplicationScheme;
            o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
        }).AddIdentityCookies();
        services.AddIdentityCore<DashboardUser>(o =>
        {
            PasswordRules.Apply(o.Password);
            o.Lockout.AllowedForNewUsers = true;
            o.Lockout.MaxFailedAccessAttempts = 5;
            o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            o.User.RequireUniqueEmail = false;
        })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<DashboardDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        // One password rule for every path (PasswordRules), in place of Identity's composition rules.
        services.Replace(ServiceDescriptor.Scoped<IPasswordValidator<DashboardUser>, PasswordPolicyValidator>());
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateOnStart();
        services.TryAddSingleton<DummyPasswordHash>();
        services.TryAddScoped<PasswordSignIn>();
        services.TryAddScoped<TwoFactorRequirement>();
        services.AddSignInRateLimits();
        // A locked user or one with other roles (a new security stamp) is signed out within a minute.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "oneoff.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/login";
            o.LogoutPath = "/logout";
            o.AccessDeniedPath = "/access-denied";
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.SlidingExpiration = true;
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "oneoff.antiforgery";
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        // Every endpoint needs a signed-in user unless it says otherwise (login, health, static files). Roles nest
        // by membership (an Admin holds Viewer, Operator and Admin), so role checks are plain [Authorize(Roles)].
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
    }

    private static void AddLocalAdapters(IServiceCollection services)
    {
        // Local mode, composed from Core's folder store and local runner and OneOff.DuckDb's engine: the data root
        // is the object store and the job's --out.
        services.TryAddSingleton(sp => new FolderObjectStore(sp.GetRequiredService<IOptions<OneOffOptions>>().Value.DataRootPath));
        services.TryAddSingleton<IObjectStore>(sp => sp.GetRequiredService<FolderObjectStore>());
        services.TryAddSingleton<IJobRunner>(sp => new LocalJobRunner(
            new LocalJobRunnerOptions { JobPath = sp.GetRequiredService<IOptions<RunsOptions>>().Value.JobPathOrDefault },
            sp.GetRequiredService<FolderObjectStore>(),
            sp.GetRequiredService<ILogger<LocalJobRunner>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddDuckDbQueryEngine();
    }
}

/// <summary>The start-up problem of one app, found at the first question.</summary>
internal sealed class StartupCheck(Func<string?> find)
{
    private readonly Lazy<string?> _problem = new(find);

    public string? Problem => _problem.Value;
}
