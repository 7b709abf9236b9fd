using System.ComponentModel.DataAnnotations;
using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using OneOff.Dashboard.Audit;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;
using QRCoder;

namespace OneOff.Dashboard.Components.Pages.Account;

/// <summary>
/// Setting up sign-in with an authenticator app (TOTP, ASVS 2.8 / 4.3.1): the shared key as a QR code, in groups
/// and as an otpauth:// URI; a first code turns it on and shows 10 recovery codes once; new codes and turning it
/// off need the password. Admins cannot turn it off when <c>OneOff:Auth:RequireTwoFactorForAdmins</c> is on.
/// </summary>
public sealed partial class TwoFactor
{
    private const string Issuer = "OneOff";
    private const int RecoveryCodeCount = 10;

    [Inject]
    public required AuditLog Audit { get; init; }

    [Inject]
    public required SignInManager<DashboardUser> SignInManager { get; init; }

    [Inject]
    public required TwoFactorRequirement Requirement { get; init; }

    [CascadingParameter]
    public HttpContext? HttpContext { get; set; }

    [SupplyParameterFromQuery(Name = "ReturnUrl")]
    public string? ReturnUrl { get; set; }

    [SupplyParameterFromForm(FormName = "enable-two-factor", Name = "Enable")]
    private CodeInput? EnableForm { get; set; }

    [SupplyParameterFromForm(FormName = "new-codes", Name = "NewCodes")]
    private PasswordInput? NewCodesForm { get; set; }

    [SupplyParameterFromForm(FormName = "disable-two-factor", Name = "Disable")]
    private PasswordInput? DisableForm { get; set; }

    private CodeInput Enable => EnableForm ??= new();

    private PasswordInput NewCodes => NewCodesForm ??= new();

    private PasswordInput Disable => DisableForm ??= new();

    private UserManager<DashboardUser> Users => SignInManager.UserManager;

    private DashboardUser? User { get; set; }

    private bool Enabled { get; set; }

    private bool RequiredForMe { get; set; }

    private bool MustSetUp => RequiredForMe && !Enabled;

    private int RecoveryCodesLeft { get; set; }

    private string? SharedKey { get; set; }

    private string? AuthenticatorUri { get; set; }

    private MarkupString QrCode { get; set; }

    private IReadOnlyList<string>? RecoveryCodes { get; set; }

    private string? Message { get; set; }

    private bool MessageIsError { get; set; }

    private string Continue => ReturnUrls.Sanitize(ReturnUrl);

    protected override async Task OnInitializedAsync()
    {
        if (HttpContext is null || await Users.GetUserAsync(HttpContext.User) is not { } user)
        {
            Fail("Sign in again to set up two-factor sign-in.");
            return;
        }

        User = user;
        RequiredForMe = Requirement.Required && await Users.IsInRoleAsync(user, DashboardRoles.Admin);
        await LoadAsync(user);
    }

    private async Task LoadAsync(DashboardUser user)
    {
        Enabled = await Users.GetTwoFactorEnabledAsync(user);
        if (Enabled)
        {
            RecoveryCodesLeft = await Users.CountRecoveryCodesAsync(user);
            SharedKey = null;
            return;
        }

        var key = await Users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            // A new key changes the security stamp: refresh the cookie so that this session stays valid.
            await Users.ResetAuthenticatorKeyAsync(user);
            await SignInManager.RefreshSignInAsync(user);
            key = await Users.GetAuthenticatorKeyAsync(user) ?? "";
        }

        SharedKey = FormatKey(key);
        AuthenticatorUri = $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(user.UserName ?? "")}?secret={key}&issuer={Uri.EscapeDataString(Issuer)}&digits=6";
        QrCode = new MarkupString(QrSvg(AuthenticatorUri));
    }

    private async Task EnableAsync()
    {
        if (User is not { } user || Enabled)
        {
            return;
        }

        var code = new string([.. Enable.Code.Where(c => !char.IsWhiteSpace(c) && c != '-')]);
        if (!await Users.VerifyTwoFactorTokenAsync(user, Users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            Fail("That code is wrong or has expired: check the app's clock and enter the code it shows now.");
            EnableForm = new();
            return;
        }

        await Users.SetTwoFactorEnabledAsync(user, true);
        await Audit.RecordAsync(AuditAction.TwoFactorEnabled, user.UserName, target: user.UserName, clientIp: HttpContext?.Connection.RemoteIpAddress);
        RecoveryCodes = [.. await Users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount) ?? []];
        await SignInManager.RefreshSignInAsync(user);
        await LoadAsync(user);
        Done("Two-factor sign-in is on. From now on, signing in asks for a code from your app.");
    }

    private async Task NewCodesAsync()
    {
        if (User is not { } user || !Enabled || !await PasswordIsRightAsync(user, NewCodes.Password))
        {
            NewCodesForm = new();
            return;
        }

        RecoveryCodes = [.. await Users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount) ?? []];
        await LoadAsync(user);
        NewCodesForm = new();
        Done("New recovery codes made; the old ones no longer work.");
    }

    private async Task DisableAsync()
    {
        if (User is not { } user || !Enabled)
        {
            return;
        }

        if (RequiredForMe)
        {
            Fail("Admins must use two-factor sign-in here (OneOff:Auth:RequireTwoFactorForAdmins); it cannot be turned off.");
            return;
        }

        if (!await PasswordIsRightAsync(user, Disable.Password))
        {
            DisableForm = new();
            return;
        }

        await Users.SetTwoFactorEnabledAsync(user, false);
        await Audit.RecordAsync(AuditAction.TwoFactorDisabled, user.UserName, target: user.UserName, clientIp: HttpContext?.Connection.RemoteIpAddress);

        // A later set-up starts from a new key: whoever saw this one cannot use it.
        await Users.ResetAuthenticatorKeyAsync(user);
        await SignInManager.RefreshSignInAsync(user);
        await LoadAsync(user);
        DisableForm = new();
        Done("Two-factor sign-in is off.");
    }

    private async Task<bool> PasswordIsRightAsync(DashboardUser user, string password)
    {
        var check = await SignInManager.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (!check.Succeeded)
        {
            Fail(check.IsLockedOut ? "Too many wrong passwords: the account is locked for 15 minutes." : "The password is wrong.");
        }

        return check.Succeeded;
    }

    private void Fail(string message)
    {
        Message = message;
        MessageIsError = true;
    }

    private void Done(string message)
    {
        Message = message;
        MessageIsError = false;
    }

    /// <summary>The key in groups of four, lower case, as authenticator apps take it typed in.</summary>
    internal static string FormatKey(string key)
    {
        var text = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
        {
            text.Append(text.Length > 0 ? " " : "").Append(key.AsSpan(i, Math.Min(4, key.Length - i)));
        }

        return text.ToString().ToLowerInvariant();
    }

    private static string QrSvg(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        using var svg = new SvgQRCode(data);
        return svg.GetGraphic(4, "#111827", "#ffffff", drawQuietZones: true, sizingMode: SvgQRCode.SizingMode.ViewBoxAttribute);
    }

    private sealed class CodeInput
    {
        [Required(ErrorMessage = "Enter the code from your app.")]
        public string Code { get; set; } = "";
    }

    private sealed class PasswordInput
    {
        [Required(ErrorMessage = "Enter your password.")]
        public string Password { get; set; } = "";
    }
}
