using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using OneOff.Dashboard.Audit;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Components.Pages.Account;

/// <summary>The second step of a sign-in with two-factor on: an authenticator code, or a recovery code once.</summary>
public sealed partial class LoginTwoFactor
{
    internal const string WrongCode = "That code is wrong or has expired. Enter the code your app shows now.";
    internal const string WrongRecoveryCode = "That recovery code is wrong or has been used.";
    internal const string LockedOut = "Too many wrong codes: the account is locked for 15 minutes. Try again later, or ask an Admin.";

    [Inject]
    public required SignInManager<DashboardUser> SignInManager { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required AuditLog Audit { get; init; }

    [CascadingParameter]
    public HttpContext? HttpContext { get; set; }

    [SupplyParameterFromForm(Name = "Input")]
    private CodeInput? FormInput { get; set; }

    private CodeInput Input => FormInput ??= new();

    [SupplyParameterFromQuery(Name = "ReturnUrl")]
    public string? ReturnUrl { get; set; }

    [SupplyParameterFromQuery(Name = "recovery")]
    public bool RecoveryQuery { get; set; }

    /// <summary>A recovery code rather than the app's code: from the form when posted, else from the link.</summary>
    private bool Recovery { get; set; }

    private bool Expired { get; set; }

    private string? Message { get; set; }

    private string Target => ReturnUrls.Sanitize(ReturnUrl);

    private string LoginAgain => $"/login?ReturnUrl={Uri.EscapeDataString(Target)}";

    private string OtherWay => $"/login/two-factor?ReturnUrl={Uri.EscapeDataString(Target)}{(Recovery ? "" : "&recovery=true")}";

    protected override async Task OnInitializedAsync()
    {
        Recovery = FormInput?.Recovery ?? RecoveryQuery;
        // The password step left a short-lived cookie naming the user; without it there is nothing to verify.
        Expired = await SignInManager.GetTwoFactorAuthenticationUserAsync() is null;
    }

    private async Task VerifyAsync()
    {
        var user = await SignInManager.GetTwoFactorAuthenticationUserAsync();
        if (user is null)
        {
            Expired = true;
            return;
        }

        // Spaces never belong to a code; a recovery code keeps its dash (it is compared as stored).
        var code = new string([.. Input.Code.Where(c => !char.IsWhiteSpace(c) && (Recovery || c != '-'))]);
        var result = Recovery
            ? await SignInManager.TwoFactorRecoveryCodeSignInAsync(code)
            : await SignInManager.TwoFactorAuthenticatorSignInAsync(code, isPersistent: false, rememberClient: false);
        if (result.Succeeded)
        {
            await OnSignedInAsync(user);
        }
        else if (result.IsLockedOut)
        {
            await OnLockedOutAsync(user);
        }
        else
        {
            await OnWrongCodeAsync(user);
        }
    }

    // One method per outcome: the place for what else an outcome does (the audit log records sign-ins here).
    private async Task OnSignedInAsync(DashboardUser user)
    {
        await RecordAsync(AuditAction.SignedIn, user, user.UserName, Recovery ? "with a recovery code" : "with an authenticator code");
        Navigation.NavigateTo(user.MustChangePassword ? $"/account/password?ReturnUrl={Uri.EscapeDataString(Target)}" : Target, forceLoad: true);
    }

    private async Task OnLockedOutAsync(DashboardUser user)
    {
        await RecordAsync(AuditAction.LockedOut, user, null, "wrong two-factor codes");
        Message = LockedOut;
    }

    private Task RecordAsync(AuditAction action, DashboardUser user, string? actor, string detail) =>
        Audit.RecordAsync(action, actor, detail: detail, clientIp: HttpContext?.Connection.RemoteIpAddress, attemptedUserName: user.UserName);

    private async Task OnWrongCodeAsync(DashboardUser user)
    {
        await RecordAsync(AuditAction.SignInFailed, user, null, Recovery ? "wrong recovery code" : "wrong authenticator code");
        Message = Recovery ? WrongRecoveryCode : WrongCode;
        FormInput = new CodeInput { Recovery = Recovery };
    }

    private sealed class CodeInput
    {
        [Required(ErrorMessage = "Enter the code.")]
        public string Code { get; set; } = "";

        public bool Recovery { get; set; }
    }
}
