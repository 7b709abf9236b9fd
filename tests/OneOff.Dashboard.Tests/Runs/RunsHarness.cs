using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OneOff.Core.Compute;
using OneOff.Core.Storage;
using OneOff.Dashboard.Audit;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Configuration;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Runs;

/// <summary>
/// The run parts without a web host: the real store, feed, scheduler and commands over SQLite and a folder in
/// <paramref name="root"/>, with a <see cref="ScriptedJobRunner"/> and a <see cref="FakeTimeProvider"/>. Two
/// harnesses on the same root one after the other are a restart. <paramref name="options"/>, when given, replaces
/// the default run options (and <paramref name="maxConcurrent"/>).
/// </summary>
internal sealed class RunsHarness(string root, FakeTimeProvider time, ScriptedJobRunner runner, int maxConcurrent = 1, RunsOptions? options = null) : IAsyncDisposable
{
    private ServiceProvider? _services;
    private bool _started;

    /// <summary>A real Operator of the harness's store (commands check the user's standing there).</summary>
    public ClaimsPrincipal Operator { get; private set; } = new();

    public FakeTimeProvider Time => time;

    public ScriptedJobRunner Runner => runner;

    public RunQueries Runs => Get<RunQueries>();

    public RunCommands Commands => Get<RunCommands>();

    public RunStore Store => Get<RunStore>();

    public IObjectStore Objects => Get<IObjectStore>();

    /// <summary>The object store of a harness on <paramref name="root"/> (the job's outputs outlive the harness).</summary>
    public static FolderObjectStore ObjectsOf(string root) => new(Path.Combine(root, "store"));

    /// <summary>Waits until the scheduler follows <paramref name="runId"/> (after a restart: once it has re-attached).</summary>
    public async Task UntilFollowedAsync(string runId)
    {
        var scheduler = Get<RunScheduler>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (scheduler.Find(runId) is null)
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    public async Task<RunsHarness> StartAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(time);
        services.AddDbContextFactory<DashboardDbContext>(db => db.UseSqlite($"Data Source={Path.Combine(root, "oneoff.db")};Pooling=False"));
        services.AddSingleton<IObjectStore>(ObjectsOf(root));
        services.AddSingleton<IJobRunner>(runner);
        services.AddSingleton(Options.Create(options ?? new RunsOptions { MaxConcurrent = maxConcurrent }));
        services.AddSingleton<RunLimits>();
        services.AddSingleton<RunFeed>();
        services.AddSingleton<RunStore>();
        services.AddSingleton<RunEndings>();
        services.AddSingleton<RunAdoption>();
        services.AddSingleton<RunScheduler>();
        services.AddSingleton(Options.Create(new AuditOptions()));
        services.AddSingleton<AuditLog>();
        services.AddSingleton<RunCommands>();
        services.AddSingleton<RunQueries>();
        services.AddSingleton<UserStandings>();
        services.AddSingleton(Options.Create(new AuthOptions()));
        services.AddIdentityCore<DashboardUser>().AddRoles<IdentityRole>().AddEntityFrameworkStores<DashboardDbContext>();
        _services = services.BuildServiceProvider();
        await using (var db = await Get<IDbContextFactory<DashboardDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            await db.Database.MigrateAsync(TestContext.Current.CancellationToken);
        }

        Operator = await OperatorAsync();

        await Get<RunScheduler>().StartAsync(TestContext.Current.CancellationToken);
        _started = true;
        return this;
    }

    /// <summary>Submits a run of <paramref name="hiddenSizes"/> as the Operator; its id.</summary>
    public async Task<string> SubmitAsync(string hiddenSizes = "3,5,7")
    {
        var form = RunForms.Small();
        form["hidden_sizes"] = hiddenSizes;
        var result = await Get<RunCommands>().SubmitAsync(Operator, form, RunForms.Key(), TestContext.Current.CancellationToken);
        return result.Run?.Id ?? throw new InvalidOperationException(result.Refusal ?? string.Join("; ", result.Errors));
    }

    public Task<RunSnapshot> UntilAsync(string runId, Func<RunSnapshot, bool> condition) =>
        RunWaits.UntilAsync(Runs, runId, condition, TimeSpan.FromSeconds(20));

    public Task<RunSnapshot> StateAsync(string runId, params RunState[] states) => UntilAsync(runId, r => states.Contains(r.State));

    /// <summary>The run as its record in the database says (no live progress).</summary>
    public async Task<RunSnapshot> StoredAsync(string runId) =>
        await Store.FindAsync(runId, TestContext.Current.CancellationToken) ?? throw new InvalidOperationException($"No run {runId}.");

    /// <summary>Stops the scheduler as the app does on shutdown: the jobs keep running.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_services is null)
        {
            return;
        }

        if (_started)
        {
            await Get<RunScheduler>().StopAsync(CancellationToken.None);
        }

        await _services.DisposeAsync();
        _services = null;
    }

    /// <summary>A signed-in Operator named <paramref name="userName"/>, created in the harness's store unless it exists.</summary>
    public async Task<ClaimsPrincipal> OperatorAsync(string userName = "operator")
    {
        await using var scope = _services!.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            // The first harness on a root creates the user; a restarted one finds it.
            var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
            foreach (var level in DashboardRoles.Levels)
            {
                if (!await roles.RoleExistsAsync(level))
                {
                    await roles.CreateAsync(new IdentityRole(level));
                }
            }

            user = new DashboardUser { UserName = userName };
            await users.CreateAsync(user);
            await users.AddToRolesAsync(user, DashboardRoles.Implied(DashboardRoles.Operator));
        }

        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<DashboardUser>>().CreateAsync(user);
        ((ClaimsIdentity)principal.Identity!).AddClaim(scope.ServiceProvider.GetRequiredService<UserStandings>().SignedInNow());
        return principal;
    }

    public T Get<T>()
        where T : notnull => (_services ?? throw new InvalidOperationException("Not started.")).GetRequiredService<T>();
}
