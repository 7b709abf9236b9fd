using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OneOff.Dashboard.Audit;
using OneOff.Dashboard.Configuration;
using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Authentication;

/// <summary>
/// <c>OneOff.Dashboard reset-password USER</c>: the operator's way back for a forgotten or locked-out user (the
/// first admin included). With the dashboard's own configuration it gives the user a generated password, written
/// to <c>{DataRoot}/password-reset-USER</c> (mode 0600; the console says where, never what), unlocks the account,
/// clears its failed sign-ins, asks for a new password at the next sign-in and renews the security stamp (its open
/// sessions end), and records <see cref="AuditAction.PasswordReset"/> by "(command line)"; the first admin's
/// stale <c>initial-admin-password</c> goes. Exit 0 when done; 2 with
/// one line on stderr, and nothing changed, for bad arguments, a bad setting, no database or no such user.
/// </summary>
internal static class PasswordResetVerb
{
    public const string Verb = "reset-password";

    public const string Usage = """
        Usage: OneOff.Dashboard reset-password USER

        Gives USER a new generated password and unlocks the account. The password is written to
        {DataRoot}/password-reset-USER, readable by this account only, and never printed; the user signs in
        with it and must then choose a new one. Open sessions of USER end within a minute.

        It uses the dashboard's configuration: appsettings.json beside the app and environment variables,
        e.g. OneOff__DataRoot=/srv/oneoff/data (default ./data, relative to the current folder).
        Exit 0 when done; 2 when the arguments, a setting, the database or the user is wrong (nothing changed).
        """;

    /// <summary>The file under the data root that receives <paramref name="userName"/>'s reset password.</summary>
    public static string FileNameFor(string userName) => $"password-reset-{userName}";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Any(a => a is "--help" or "-h" or "-?"))
        {
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            return 0;
        }

        if (args is not [var userName] || userName.StartsWith('-'))
        {
            await error.WriteLineAsync($"{Verb}: give exactly one user name, e.g. '{Verb} admin' (got {Describe(args)}); see '{Verb} --help'.").ConfigureAwait(false);
            return 2;
        }

        // The password file and any database journal this process creates are this account's only.
        NativeMethods.MakeNewFilesPrivate();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter<ConsoleLoggerProvider>(null, LogLevel.Warning);
        builder.AddOneOffDashboard();
        var app = builder.Build();
        await using (app.ConfigureAwait(false))
        {
            if (DashboardHostingExtensions.StartupProblem(app.Services) is { } problem)
            {
                await error.WriteLineAsync(problem).ConfigureAwait(false);
                return 2;
            }

            var dataRoot = app.Services.GetRequiredService<IOptions<OneOffOptions>>().Value.DataRootPath;
            try
            {
                return await ResetAsync(app.Services, dataRoot, userName, output, error).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException or DbUpdateException)
            {
                await error.WriteLineAsync($"{Verb}: could not reset the password of '{userName}' under OneOff:DataRoot '{dataRoot}': {e.Message}").ConfigureAwait(false);
                return 1;
            }
        }
    }

    private static async Task<int> ResetAsync(IServiceProvider services, string dataRoot, string userName, TextWriter output, TextWriter error)
    {
        var database = Path.Combine(dataRoot, DatabaseInitializer.DatabaseFileName);
        if (!File.Exists(database))
        {
            // Opening it would create an empty one: say where it was looked for instead.
            await error.WriteLineAsync($"{Verb}: there is no dashboard database at {database}; set OneOff:DataRoot (OneOff__DataRoot) to the data root the dashboard uses, or start the dashboard once to create it.").ConfigureAwait(false);
            return 2;
        }

        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        if (await users.FindByNameAsync(userName).ConfigureAwait(false) is not { } user)
        {
            var known = await users.Users.OrderBy(u => u.UserName).Select(u => u.UserName).Take(20).ToListAsync().ConfigureAwait(false);
            await error.WriteLineAsync($"{Verb}: there is no user '{userName}' in {database}; the users are: {string.Join(", ", known)}.").ConfigureAwait(false);
            return 2;
        }

        // A database from the previous release gets the tables this version writes (the audit log), as at start.
        await scope.ServiceProvider.GetRequiredService<DashboardDbContext>().Database.MigrateAsync().ConfigureAwait(false);

        var name = user.UserName ?? userName;
        var password = DatabaseInitializer.GeneratePassword();
        var path = Path.Combine(dataRoot, FileNameFor(name));
        await DatabaseInitializer.WriteSecretAsync(path, password, CancellationToken.None).ConfigureAwait(false);

        user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
        user.LockoutEnd = null;
        user.AccessFailedCount = 0;
        user.MustChangePassword = true;

        // One write: the new hash, the unlock and a new security stamp (which ends the user's open sessions).
        var saved = await users.UpdateSecurityStampAsync(user).ConfigureAwait(false);
        if (!saved.Succeeded)
        {
            File.Delete(path);
            await error.WriteLineAsync($"{Verb}: could not reset the password of '{name}': {string.Join(" ", saved.Errors.Select(e => e.Description))}").ConfigureAwait(false);
            return 1;
        }

        if (string.Equals(name, services.GetRequiredService<IOptions<AdminOptions>>().Value.UserName, StringComparison.OrdinalIgnoreCase))
        {
            // The first start's generated password no longer works: it must not stay on disk to mislead.
            File.Delete(Path.Combine(dataRoot, DatabaseInitializer.PasswordFileName));
        }

        await services.GetRequiredService<AuditLog>()
            .RecordAsync(AuditAction.PasswordReset, AuditLog.CommandLine, target: name, detail: "unlocked; must change it at next sign-in").ConfigureAwait(false);
        await output.WriteLineAsync($"Reset the password of '{name}' and unlocked the account. The new password is in {path} (readable by this account only); sign in with it and choose a new one.").ConfigureAwait(false);
        return 0;
    }

    private static string Describe(IReadOnlyList<string> args) =>
        args.Count == 0 ? "none" : string.Create(CultureInfo.InvariantCulture, $"{args.Count}: {string.Join(' ', args)}");
}
