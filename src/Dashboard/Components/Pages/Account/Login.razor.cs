using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using OneOff.Dashboard.Audit;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Components.Pages.Account;

public sealed partial class Login
{
    [Inject]
    public required SignInManager<DashboardUser> SignInManager { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required AuditLog Audit { get; init; }

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
        var result = await SignInManager.PasswordSignInAsync(Input.UserName, Input.Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            var user = await SignInManager.UserManager.FindByNameAsync(Input.UserName);
            await Audit.RecordAsync(AuditAction.SignedIn, user?.UserName ?? Input.UserName, attemptedUserName: Input.UserName, clientIp: HttpContext?.Connection.RemoteIpAddress);
            var target = ReturnUrls.Sanitize(ReturnUrl);
            Navigation.NavigateTo(
                user?.MustChangePassword == true ? $"/account/password?ReturnUrl={Uri.EscapeDataString(target)}" : target,
                forceLoad: true);
            return;
        }

        await Audit.RecordAsync(result.IsLockedOut ? AuditAction.LockedOut : AuditAction.SignInFailed, null, attemptedUserName: Input.UserName, clientIp: HttpContext?.Connection.RemoteIpAddress);
        Message = result.IsLockedOut
            ? "This account is locked after too many failed sign-ins. Try again in 15 minutes, or ask an Admin to unlock it."
            : "The user name or password is wrong.";
    }

    private sealed class LoginInput
    {
        [Required(ErrorMessage = "Enter your user name.")]
        public string UserName { get; set; } = "";

        [Required(ErrorMessage = "Enter your password.")]
        public string Password { get; set; } = "";
    }
}
