using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Authentication;

/// <summary>How a password sign-in ended.</summary>
public enum SignInOutcome
{
    /// <summary>Signed in: the cookie is set.</summary>
    SignedIn,

    /// <summary>The password was right; the authenticator code is asked next (<c>/login/two-factor</c>).</summary>
    TwoFactorRequired,

    /// <summary>Unknown user, wrong password, or locked after failed sign-ins: one answer for all three.</summary>
    Failed,

    /// <summary>The right password for an account an Admin locked (until unlocked).</summary>
    LockedByAdmin,

    /// <summary>Too many attempts for this user name within a minute; nothing was checked.</summary>
    Throttled,
}

/// <summary>The outcome and, when the name was a user's, that user.</summary>
public sealed record SignInAttempt(SignInOutcome Outcome, DashboardUser? User);

/// <summary>
/// A password sign-in that does not tell which user names exist (ASVS 2.2.1, 3.2): the same answer, and the same
/// work (one password hash verification), for an unknown name, a wrong password and a locked account.
/// </summary>
/// <remarks>
/// Lockout after failed sign-ins is not revealed: while it lasts, the right password gets the same "wrong, or
/// locked" answer as a wrong one, or the lockout would stop no guessing (a guesser would learn the password while
/// locked). An Admin's lock (indefinite) is different: only someone who gives the right password is told that an
/// Admin locked the account — they know the password, so it tells them nothing about which names exist, and without
/// it a user locked by an Admin would be told to "try again" forever. The price, a right-or-wrong answer for a
/// locked account's password, is braked by the per-name and per-client limits and by the password rules.
/// </remarks>
public sealed class PasswordSignIn(SignInManager<DashboardUser> signIn, SignInThrottle throttle, DummyPasswordHash dummy)
{
    public async Task<SignInAttempt> SignInAsync(string userName, string password)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        if (!throttle.TryAttempt(userName))
        {
            return new SignInAttempt(SignInOutcome.Throttled, null);
        }

        var users = signIn.UserManager;
        var user = await users.FindByNameAsync(userName).ConfigureAwait(false);
        if (user is null)
        {
            // As long as a real user's check: the same hash, verified against a password nobody has.
            users.PasswordHasher.VerifyHashedPassword(new DashboardUser(), dummy.For(users.PasswordHasher), password);
            return new SignInAttempt(SignInOutcome.Failed, null);
        }

        if (await users.IsLockedOutAsync(user).ConfigureAwait(false))
        {
            // Identity answers a locked account without looking at the password (a quicker, telling answer): verify it.
            var right = users.PasswordHasher.VerifyHashedPassword(user, user.PasswordHash ?? dummy.For(users.PasswordHasher), password)
                != PasswordVerificationResult.Failed;
            return new SignInAttempt(right && IsLockedByAdmin(user) ? SignInOutcome.LockedByAdmin : SignInOutcome.Failed, user);
        }

        var result = await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true).ConfigureAwait(false);
        var outcome = result.Succeeded ? SignInOutcome.SignedIn
            : result.RequiresTwoFactor ? SignInOutcome.TwoFactorRequired
            : SignInOutcome.Failed;
        return new SignInAttempt(outcome, user);
    }

    /// <summary>An Admin's lock has no end (<see cref="UserAdministration.LockAsync"/>); a lockout after failures lasts 15 minutes.</summary>
    public static bool IsLockedByAdmin(DashboardUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.LockoutEnd is { } end && end.Year == DateTimeOffset.MaxValue.Year;
    }
}

/// <summary>A hash of a random password, made once, for the sign-in of an unknown user name to verify against.</summary>
public sealed class DummyPasswordHash
{
    private string? _hash;

    public string For(IPasswordHasher<DashboardUser> hasher)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        return LazyInitializer.EnsureInitialized(ref _hash, () => hasher.HashPassword(new DashboardUser(), RandomNumberGenerator.GetHexString(32)));
    }
}
