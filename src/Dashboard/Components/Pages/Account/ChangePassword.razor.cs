using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OneOff.Dashboard.Audit;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Configuration;
using OneOff.Dashboard.Data;

namespace OneOff.Dashboard.Components.Pages.Account;

public sealed partial class ChangePassword
{
    [Inject]
    public required SignInManager<DashboardUser> SignInManager { get; init; }

    [Inject]
    public required IOptions<OneOffOptions> OneOff { get; init; }

    [Inject]
    public required IOptions<AdminOptions> Admin { get; init; }

    [Inject]
    public required AuditLog Audit { get; init; }

    [CascadingParameter]
    public HttpContext? HttpContext { get; set; }

    [SupplyParameterFromForm(Name = "Input")]
    private PasswordInput? FormInput { get; set; }

    private PasswordInput Input => FormInput ??= new();

    [SupplyParameterFromQuery(Name = "ReturnUrl")]
    public string? ReturnUrl { get; set; }

    private bool MustChange { get; set; }

    private bool Done { get; set; }

    private string? Message { get; set; }

    private string Continue => ReturnUrls.Sanitize(ReturnUrl);

    protected override async Task OnInitializedAsync()
    {
        if (HttpContext is not null && await SignInManager.UserManager.GetUserAsync(HttpContext.User) is { } user)
        {
            MustChange = user.MustChangePassword;
        }
    }

    private async Task ChangeAsync()
    {
        if (HttpContext is null || await SignInManager.UserManager.GetUserAsync(HttpContext.User) is not { } user)
        {
            Message = "Sign in again to change your password.";
            return;
        }

        if (PasswordRules.Check(Input.New, user.UserName) is { } problem)
        {
            Message = $"The new password {problem}.";
            return;
        }

        if (string.Equals(Input.New, Input.Current, StringComparison.Ordinal))
        {
            Message = "The new password must differ from the current one.";
            return;
        }

        var result = await SignInManager.UserManager.ChangePasswordAsync(user, Input.Current, Input.New);
        if (!result.Succeeded)
        {
            Message = result.Errors.Any(e => e.Code == "PasswordMismatch")
                ? "The current password is wrong."
                : string.Join(" ", result.Errors.Select(e => e.Description));
            return;
        }

        user.MustChangePassword = false;
        await SignInManager.UserManager.UpdateAsync(user);
        await Audit.RecordAsync(AuditAction.PasswordChanged, user.UserName, target: user.UserName, clientIp: HttpContext.Connection.RemoteIpAddress);
        if (string.Equals(user.UserName, Admin.Value.UserName, StringComparison.OrdinalIgnoreCase))
        {
            // The generated first password is of no use once changed: it must not stay on disk.
            File.Delete(Path.Combine(OneOff.Value.DataRootPath, DatabaseInitializer.PasswordFileName));
        }

        // Nor is one the operator's reset-password verb wrote.
        File.Delete(Path.Combine(OneOff.Value.DataRootPath, PasswordResetVerb.FileNameFor(user.UserName ?? "")));

        await SignInManager.RefreshSignInAsync(user);
        MustChange = false;
        Done = true;
        FormInput = new();
    }

    private sealed class PasswordInput
    {
        [Required(ErrorMessage = "Enter your current password.")]
        public string Current { get; set; } = "";

        [Required(ErrorMessage = "Enter a new password.")]
        public string New { get; set; } = "";

        [Required(ErrorMessage = "Enter the new password again.")]
        [Compare(nameof(New), ErrorMessage = "The two new passwords differ.")]
        public string Confirm { get; set; } = "";
    }
}
