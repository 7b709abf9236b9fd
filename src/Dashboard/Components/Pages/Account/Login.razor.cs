using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Components;
using OneOff.Dashboard.Audit;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Components.Pages.Account;

public sealed partial class Login
{
    /// <summary>
    /// One answer for an unknown name, a wrong password and a lockout after failed sign-ins (see
    /// <see cref="PasswordSignIn"/> for why a lockout is not told apart).
    /// </summary>
    internal const string WrongOrLocked =
        "The user name or password is wrong, or the account is locked for 15 minutes after too many failed sign-ins. Check both and try again, or ask an Admin.";

    internal const string LockedByAdmin = "An Admin has locked this account. Ask an Admin to unlock it.";

    [Inject]
    public required PasswordSignIn PasswordSignIn { get; init; }

    [Inject]
    public required TwoFactorRequirement TwoFactor { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required AuditLog Audit { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [CascadingParameter]
    public HttpContext? HttpContext { get; set; }

    [SupplyParameterFromForm(Name = "Input")]
    private LoginInput? FormInput { get; set; }

    private LoginInput Input => FormInput ??= new();

    [SupplyParameterFromQuery(Name = "ReturnUrl")]
    public string? ReturnUrl { get; set; }

    private string? Message { get; set; }

    private async Task LogInAsync()
    {
        var attempt = await PasswordSignIn.SignInAsync(Input.UserName, Input.Password);
        switch (attempt.Outcome)
        {
            case SignInOutcome.SignedIn when attempt.User is { } user:
                await OnSignedInAsync(user);
                break;
            case SignInOutcome.TwoFactorRequired:
                OnTwoFactorRequired();
                break;
            case SignInOutcome.LockedByAdmin:
                await OnLockedByAdminAsync(attempt.User);
                break;
            case SignInOutcome.Throttled:
                OnThrottled();
                break;
            default:
                await OnFailedAsync(attempt.User);
                break;
        }
    }

    // One method per outcome: the place for what else an outcome does (the audit log records sign-ins here).
    private async Task OnSignedInAsync(DashboardUser user)
    {
        await RecordAsync(AuditAction.SignedIn, user.UserName);
        var target = ReturnUrls.Sanitize(ReturnUrl);
        Navigation.NavigateTo(
            user.MustChangePassword ? $"/account/password?ReturnUrl={Uri.EscapeDataString(target)}"
            : await TwoFactor.IsMissingAsync(user) ? TwoFactorRequirement.SetUpPath(target)
            : target,
            forceLoad: true);
    }

    private void OnTwoFactorRequired() =>
        Navigation.NavigateTo($"/login/two-factor?ReturnUrl={Uri.EscapeDataString(ReturnUrls.Sanitize(ReturnUrl))}", forceLoad: true);

    private async Task OnLockedByAdminAsync(DashboardUser? user)
    {
        await RecordAsync(AuditAction.SignInFailed, null, "locked by an Admin");
        Message = LockedByAdmin;
    }

    private void OnThrottled() => Message = SignInRateLimits.Refusal;

    private async Task OnFailedAsync(DashboardUser? user)
    {
        // The same answer whatever happened; the audit log (for Admins) tells a lockout this attempt caused.
        var lockedNow = user?.LockoutEnd is { } end && end > Time.GetUtcNow();
        await RecordAsync(lockedNow ? AuditAction.LockedOut : AuditAction.SignInFailed, null);
        Message = WrongOrLocked;
    }

    private Task RecordAsync(AuditAction action, string? actor, string? detail = null) =>
        Audit.RecordAsync(action, actor, attemptedUserName: Input.UserName, detail: detail, clientIp: HttpContext?.Connection.RemoteIpAddress);

    private sealed class LoginInput
    {
        [Required(ErrorMessage = "Enter your user name.")]
        public string UserName { get; set; } = "";

        [Required(ErrorMessage = "Enter your password.")]
        public string Password { get; set; } = "";
    }
}
