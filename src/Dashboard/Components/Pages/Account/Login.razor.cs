using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Components;
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
                OnLockedByAdmin();
                break;
            case SignInOutcome.Throttled:
                OnThrottled();
                break;
            default:
                OnFailed();
                break;
        }
    }

    // One method per outcome: the place for what else an outcome does (the audit log records sign-ins here).
    private async Task OnSignedInAsync(DashboardUser user)
    {
        var target = ReturnUrls.Sanitize(ReturnUrl);
        Navigation.NavigateTo(
            user.MustChangePassword ? $"/account/password?ReturnUrl={Uri.EscapeDataString(target)}"
            : await TwoFactor.IsMissingAsync(user) ? TwoFactorRequirement.SetUpPath(target)
            : target,
            forceLoad: true);
    }

    private void OnTwoFactorRequired() =>
        Navigation.NavigateTo($"/login/two-factor?ReturnUrl={Uri.EscapeDataString(ReturnUrls.Sanitize(ReturnUrl))}", forceLoad: true);

    private void OnLockedByAdmin() => Message = LockedByAdmin;

    private void OnThrottled() => Message = SignInRateLimits.Refusal;

    private void OnFailed() => Message = WrongOrLocked;

    private sealed class LoginInput
    {
        [Required(ErrorMessage = "Enter your user name.")]
        public string UserName { get; set; } = "";

        [Required(ErrorMessage = "Enter your password.")]
        public string Password { get; set; } = "";
    }
}
