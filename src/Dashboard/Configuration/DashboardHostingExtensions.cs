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
using OneOff.Core.Compute;
using OneOff.Core.Storage;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Components;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Health;
using OneOff.Dashboard.Model;
using OneOff.Dashboard.Results;
using OneOff.Dashboard.Runs;

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
        var services = builder.Services;

        services.AddOptions<OneOffOptions>().BindConfiguration(OneOffOptions.SectionName).ValidateOnStart();
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName).ValidateOnStart();
        services.AddOptions<RunsOptions>().BindConfiguration(RunsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OneOffOptions>, OneOffOptionsValidator>();
        services.AddSingleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>();
        services.AddSingleton<IValidateOptions<RunsOptions>, RunsOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddDbContextFactory<DashboardDbContext>((sp, db) =>
            db.UseSqlite($"Data Source={Path.Combine(sp.GetRequiredService<IOptions<OneOffOptions>>().Value.DataRootPath, "oneoff.db")}"));

        AddSignIn(services);

        // Keys under the data root: a restart signs nobody out and keeps antiforgery tokens valid.
        services.AddDataProtection().SetApplicationName("OneOff");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<OneOffOptions>, ILoggerFactory>((keys, oneOff, logs) =>
            keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(oneOff.Value.DataRootPath, "keys")), logs));

        AddLocalAdapters(services);

        // The run page's data: the query engine (DuckDB over the FolderObjectStore above) behind HybridCache;
        // deleting a run evicts its cache entries.
        services.AddOneOffResults();
        services.AddHostedService<ResultsCacheEviction>();

        // Hosted services start in this order: the database first, then the scheduler reconciles runs.
        services.AddHostedService<DatabaseInitializer>();
        services.TryAddSingleton<RunFeed>();
        services.TryAddSingleton<RunStore>();
        services.TryAddSingleton<RunEndings>();
        services.TryAddSingleton<RunScheduler>();
        services.TryAddSingleton<RunCommands>();
        services.TryAddSingleton<RunCoordinator>();
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
        app.UseStatusCodePagesWithReExecute("/not-found");
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        // Static files are public (the login page needs its stylesheet and script); everything else is not.
        app.MapStaticAssets().AllowAnonymous();
        app.MapHealthChecks("/healthz", HealthResponse.Options).AllowAnonymous();
        app.MapPost("/logout", async ([FromForm] string? returnUrl, SignInManager<DashboardUser> signIn) =>
        {
            await signIn.SignOutAsync().ConfigureAwait(false);
            return TypedResults.LocalRedirect("/login");
        }).WithMetadata(new SkipStatusCodePagesAttribute());
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    /// <summary>
    /// Checks every option before the host starts, so that a bad value stops the app with one line naming the
    /// key (exit code 2) rather than a stack trace; then runs the app.
    /// </summary>
    public static async Task<int> RunOneOffAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            _ = app.Services.GetRequiredService<IOptions<OneOffOptions>>().Value;
            _ = app.Services.GetRequiredService<IOptions<AdminOptions>>().Value;
            _ = app.Services.GetRequiredService<IOptions<RunsOptions>>().Value;
            _ = app.Services.GetRequiredService<IOptions<ResultsCacheOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync(string.Join(" ", e.Failures)).ConfigureAwait(false);
            return 2;
        }

        await app.RunAsync().ConfigureAwait(false);
        return 0;
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
        // Local mode: the data root is the object store and the job's --out. (Aws mode registers S3/EMR adapters.)
        services.TryAddSingleton(sp => new FolderObjectStore(sp.GetRequiredService<IOptions<OneOffOptions>>().Value.DataRootPath));
        services.TryAddSingleton<IObjectStore>(sp => sp.GetRequiredService<FolderObjectStore>());
        services.TryAddSingleton<IJobRunner>(sp => new LocalJobRunner(
            new LocalJobRunnerOptions { JobPath = sp.GetRequiredService<IOptions<RunsOptions>>().Value.JobPathOrDefault },
            sp.GetRequiredService<FolderObjectStore>(),
            sp.GetRequiredService<ILogger<LocalJobRunner>>()));
    }
}
