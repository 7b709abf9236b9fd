using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;
using OneOff.Dashboard.Configuration;

namespace OneOff.Dashboard.Authentication;

/// <summary>
/// Re-checks an open page's user every <c>OneOff:Auth:RevalidationSeconds</c> (at most a minute) with
/// <see cref="UserStandings"/>: a user locked, deleted, given another role, signed out or past the session's
/// absolute limit becomes anonymous, and the router sends the page to the sign-in page (the circuit ends).
/// </summary>
internal sealed class RevalidatingAuthenticationStateProvider(
    ILoggerFactory loggerFactory,
    UserStandings standings,
    IOptions<AuthOptions> auth) : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => auth.Value.Revalidation;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        await standings.FindAsync(authenticationState.User, cancellationToken).ConfigureAwait(false) is not null;
}
