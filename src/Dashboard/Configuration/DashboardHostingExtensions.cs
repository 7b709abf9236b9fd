using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OneOff.Aws;
using OneOff.Core.Compute;
using OneOff.Core.Configuration;
using OneOff.Core.Query;
using OneOff.Core.Storage;
using OneOff.Dashboard.Audit;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Components;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Export;
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
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>();
        services.AddOneOffCore();
        services.AddOneOffTelemetry(builder.Configuration);
        services.AddHostedService<UnknownConfigurationKeys>();

        services.AddDbContextFactory<DashboardDbContext>((sp, db) =>
            db.UseSqlite($"Data Source={Path.Combine(sp.GetRequiredService<IOptions<OneOffOptions>>().Value.DataRootPath, "oneoff.db")}"));

        AddSignIn(services);

        // Keys under the data root: a restart signs nobody out and keeps antiforgery tokens valid.
        services.AddDataProtection().SetApplicationName("OneOff");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<OneOffOptions>, ILoggerFactory>((keys, oneOff, logs) =>
            keys.XmlRepository = new PrivateKeyRepository(Path.Combine(oneOff.Value.DataRootPath, "keys"), logs));
        builder.Logging.AddFilter(PrivateKeyRepository.FrameworkWarningCategory, LogLevel.Error);

        if (mode.Mode == OneOffMode.Aws)
        {
            // S3, the EMR runner (the job bundle checked at start), the reaper; Athena answers the run page.
            services.AddOneOffAws().AddOneOffAwsJobRunner();
            // The EMR reaper asks the run store about each cluster's run, and notes what it ended.
            services.TryAddSingleton<IRunLookup, RunLookup>();
        }
        else
        {
            AddLocalAdapters(services);
        }

        // The run page's data: the mode's query engine behind HybridCache; deleting a run evicts its cache entries.
        services.AddOneOffResults();
        services.AddHostedService<ResultsCacheEviction>();
        // What Athena's queries of a run cost joins the run's record (registered before the warm-up: it stops after it, and writes what is left).
        services.TryAddSingleton<QueryUsageLedger>();
        services.TryAddSingleton<IQueryUsageSink>(sp => sp.GetRequiredService<QueryUsageLedger>());
        services.AddHostedService(sp => sp.GetRequiredService<QueryUsageLedger>());
        // A run that succeeds has its page's queries run once in the background: its first viewer waits for nothing.
        services.TryAddSingleton<ResultsWarmup>();
        services.AddHostedService(sp => sp.GetRequiredService<ResultsWarmup>());

        // Hosted services start in this order: the database first, then the scheduler reconciles runs.
        services.AddHostedService<DatabaseInitializer>();
        services.AddOneOffAudit();
        services.TryAddSingleton<RunFeed>();
        services.TryAddSingleton<RunStore>();
        services.TryAddSingleton<RunEndings>();
        services.TryAddSingleton<RunAdoption>();
        services.TryAddSingleton<RunScheduler>();
        services.TryAddSingleton<RunLimits>();
        services.TryAddSingleton<RunCommands>();
        services.TryAddSingleton<RunQueries>();
        services.AddHostedService(sp => sp.GetRequiredService<RunScheduler>());
        services.AddHostedService<PeriodicRunAdoption>();
        services.TryAddSingleton<UserAdministration>();
        services.TryAddTransient<RunListViewModel>();
        services.TryAddTransient<RunDetailsViewModel>();
        services.TryAddTransient<AuditViewModel>();
        services.TryAddTransient<RunNoticesViewModel>();
        services.TryAddSingleton<RunExporter>();

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

        // First: behind a listed proxy, the client's address and https come from X-Forwarded-For/-Proto, so that
        // cookies are Secure, HSTS is sent and the sign-in cookie takes its __Host- name.
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            // Only on HTTPS requests (the middleware sends nothing over plain HTTP, nor to loopback hosts).
            app.UseHsts();
        }

        app.UseSecurityHeaders();
        // Before the status-code pages: a refused circuit is a bare 403, not a re-executed page.
        app.UseSameOriginCircuits();
        app.UseStatusCodePagesWithReExecute("/not-found");
        app.UseSignInRateLimits();
        app.UseAuthentication();
        app.UsePasswordChangeGate();
        app.UseAuthorization();
        app.UseTwoFactorRequirement();
        app.UseAntiforgery();

        // Static files are public (the login page needs its stylesheet and script); everything else is not.
        app.MapStaticAssets().AllowAnonymous();
        app.MapHealthChecks("/healthz", HealthResponse.Options).AllowAnonymous();
        // The form parameter makes the endpoint check the antiforgery token (a cross-site POST cannot sign anyone out).
        app.MapPost("/logout", async ([FromForm] string? returnUrl, SignInManager<DashboardUser> signIn, AuditLog audit, HttpContext http) =>
        {
            var who = http.User.Identity?.Name;

            // A new security stamp ends this session everywhere: a copy of the old cookie no longer signs anyone in,
            // and the user's open pages leave at their next revalidation.
            if (await signIn.UserManager.GetUserAsync(http.User).ConfigureAwait(false) is { } user)
            {
                await signIn.UserManager.UpdateSecurityStampAsync(user).ConfigureAwait(false);
            }

            await signIn.SignOutAsync().ConfigureAwait(false);
            await audit.RecordAsync(AuditAction.SignedOut, who, target: who, clientIp: http.Connection.RemoteIpAddress).ConfigureAwait(false);
            return TypedResults.LocalRedirect("/login");
        }).WithMetadata(new SkipStatusCodePagesAttribute());
        app.MapPasswordStrength();
        app.MapRunExport();
        // Our own policy says frame-ancestors 'none' (SecurityHeaders): no second, weaker header from Blazor.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
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
        services.TryAddSingleton<UserStandings>();
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
            .AddClaimsPrincipalFactory<DashboardClaimsPrincipalFactory>()
            .AddEntityFrameworkStores<DashboardDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();

        // One password rule for every path (PasswordRules), in place of Identity's composition rules.
        services.Replace(ServiceDescriptor.Scoped<IPasswordValidator<DashboardUser>, PasswordPolicyValidator>());
        services.TryAddSingleton<DummyPasswordHash>();
        services.TryAddScoped<PasswordSignIn>();
        services.TryAddScoped<TwoFactorRequirement>();
        services.AddSignInRateLimits();

        // Every request checks the cookie's security stamp against the store (one indexed SQLite read): a lock, a
        // new role, a password reset or a logout ends the session at its next request. A refreshed principal keeps
        // the time the session signed in.
        services.Configure<SecurityStampValidatorOptions>(o =>
        {
            o.ValidationInterval = TimeSpan.Zero;
            o.OnRefreshingPrincipal = refreshing =>
            {
                DashboardClaimsPrincipalFactory.KeepSignInTime(refreshing.CurrentPrincipal, refreshing.NewPrincipal);
                return Task.CompletedTask;
            };
        });
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme).Configure<IOptions<AuthOptions>>((o, auth) =>
        {
            o.Cookie.Name = "oneoff.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.CookieManager = new HostPrefixCookieManager();
            o.LoginPath = "/login";
            o.LogoutPath = "/logout";
            o.AccessDeniedPath = "/access-denied";

            // The idle limit slides with every request; the absolute limit counts from the sign-in.
            o.ExpireTimeSpan = auth.Value.IdleTimeout;
            o.SlidingExpiration = true;
            var validateStamp = o.Events.OnValidatePrincipal;
            o.Events.OnValidatePrincipal = async context =>
            {
                if (context.Principal is { } principal && context.HttpContext.RequestServices.GetRequiredService<UserStandings>().HasExpired(principal))
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme).ConfigureAwait(false);
                    return;
                }

                await validateStamp(context).ConfigureAwait(false);
            };
            o.Events.OnSigningIn = context =>
            {
                if (context.Principal?.Identity is ClaimsIdentity identity && !identity.HasClaim(c => c.Type == UserStandings.SignedInAtClaim))
                {
                    identity.AddClaim(context.HttpContext.RequestServices.GetRequiredService<UserStandings>().SignedInNow());
                }

                return Task.CompletedTask;
            };

            // Redirects stay on this site's paths: the Host header (any value, unless AllowedHosts is set) is never
            // written into a Location.
            o.Events.OnRedirectToLogin = context => RedirectLocally(context);
            o.Events.OnRedirectToAccessDenied = context => RedirectLocally(context);
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "oneoff.antiforgery";
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxy) =>
        {
            // Only X-Forwarded-For and -Proto, only from loopback (the framework's default) and the listed proxies.
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var address in proxy.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(address));
            }

            foreach (var network in proxy.Value.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });

        // Every endpoint needs a signed-in user unless it says otherwise (login, health, static files). Roles nest
        // by membership (an Admin holds Viewer, Operator and Admin), so role checks are plain [Authorize(Roles)].
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
    }

    private static Task RedirectLocally(RedirectContext<CookieAuthenticationOptions> context)
    {
        var target = Uri.TryCreate(context.RedirectUri, UriKind.Absolute, out var absolute) ? absolute.PathAndQuery : context.RedirectUri;
        context.Response.Redirect(target);
        return Task.CompletedTask;
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
