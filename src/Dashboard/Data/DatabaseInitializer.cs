using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Configuration;

namespace OneOff.Dashboard.Data;

/// <summary>
/// At start, before anything reads the database: applies the migrations, creates the roles, and on the very
/// first start the user <c>OneOff:Admin:UserName</c> (default <c>admin</c>; every role), with <c>OneOff:Admin:Password</c> or a generated password
/// written to <c>{DataRoot}/initial-admin-password</c> (mode 0600; the log says where, never what).
/// </summary>
public sealed partial class DatabaseInitializer(
    IServiceScopeFactory scopes,
    IOptions<OneOffOptions> oneOff,
    IOptions<AdminOptions> admin,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public const string PasswordFileName = "initial-admin-password";
    public const string DatabaseFileName = "oneoff.db";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The data root holds password hashes and signing keys: only this account may read it when we create it.
        CreatePrivateFolder(oneOff.Value.DataRootPath);
        CreatePrivateFolder(Path.Combine(oneOff.Value.DataRootPath, "keys"));
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DashboardDbContext>();
        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        MakeDatabasePrivate(oneOff.Value.DataRootPath);

        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in DashboardRoles.Levels)
        {
            if (!await roles.RoleExistsAsync(role).ConfigureAwait(false))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)).ConfigureAwait(false), $"create the role {role}");
            }
        }

        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        var adminName = admin.Value.UserName;
        if (await users.Users.AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            // Only the very first start uses them: say so rather than let an operator believe they took effect.
            if (await users.FindByNameAsync(adminName).ConfigureAwait(false) is null)
            {
                LogUserNameIgnored(adminName);
            }

            if (admin.Value.Password is not null)
            {
                LogPasswordIgnored(adminName);
            }

            return;
        }

        var password = admin.Value.Password;
        var generated = password is null;
        password ??= GeneratePassword();
        var user = new DashboardUser { UserName = adminName, MustChangePassword = generated };
        Check(await users.CreateAsync(user, password).ConfigureAwait(false), "create the first admin");
        Check(await users.AddToRolesAsync(user, DashboardRoles.Implied(DashboardRoles.Admin)).ConfigureAwait(false), "give admin its roles");
        if (generated)
        {
            var path = Path.Combine(oneOff.Value.DataRootPath, PasswordFileName);
            await WriteSecretAsync(path, password, cancellationToken).ConfigureAwait(false);
            LogGenerated(adminName, path);
        }
        else
        {
            LogCreated(adminName);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal static string GeneratePassword()
    {
        const string Lower = "abcdefghijkmnpqrstuvwxyz";
        const string Upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
        const string Digits = "23456789";
        const string All = Lower + Upper + Digits;
        var chars = new char[20];
        chars[0] = Lower[RandomNumberGenerator.GetInt32(Lower.Length)];
        chars[1] = Upper[RandomNumberGenerator.GetInt32(Upper.Length)];
        chars[2] = Digits[RandomNumberGenerator.GetInt32(Digits.Length)];
        for (var i = 3; i < chars.Length; i++)
        {
            chars[i] = All[RandomNumberGenerator.GetInt32(All.Length)];
        }

        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }

    private static void CreatePrivateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Directory.CreateDirectory(path, OwnerOnly);

        // A folder made before (by an older version, or by the data-protection set-up) is made private too.
        if (File.GetUnixFileMode(path) != OwnerOnly)
        {
            File.SetUnixFileMode(path, OwnerOnly);
        }
    }

    /// <summary>The database and its journal files: the owner's only, whatever the umask was when SQLite made them.</summary>
    private static void MakeDatabasePrivate(string dataRoot)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(dataRoot, "oneoff.db*"))
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>Writes <paramref name="secret"/> to a new file readable and writable by this account only.</summary>
    internal static async Task WriteSecretAsync(string path, string secret, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var stream = new FileStream(path, options);
        await using (stream.ConfigureAwait(false))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(stream.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            var writer = new StreamWriter(stream);
            await using (writer.ConfigureAwait(false))
            {
                await writer.WriteLineAsync(secret.AsMemory(), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not {what}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created the user '{User}' with a generated password, written to {Path} (readable by this account only); sign in and change it")]
    private partial void LogGenerated(string user, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the user '{User}' with the password of OneOff:Admin:Password")]
    private partial void LogCreated(string user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OneOff:Admin:UserName is '{User}' but no user of that name is created: users exist already (only the very first start creates the first admin); add users on the Users page")]
    private partial void LogUserNameIgnored(string user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OneOff:Admin:Password is set but ignored: the users exist already (the first admin is '{User}'); change a password on the Password page or in Users")]
    private partial void LogPasswordIgnored(string user);
}
