namespace OneOff.Dashboard.Authentication;

/// <summary>The open-redirect guard: only local paths of this site are followed after sign-in.</summary>
public static class ReturnUrls
{
    /// <summary><paramref name="returnUrl"/> when it is a local path ("/…", not "//…" or "/\…"); otherwise "/".</summary>
    public static string Sanitize(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || returnUrl[0] != '/')
        {
            return "/";
        }

        if (returnUrl.Length > 1 && (returnUrl[1] == '/' || returnUrl[1] == '\\'))
        {
            return "/";
        }

        foreach (var c in returnUrl)
        {
            if (char.IsControl(c))
            {
                return "/";
            }
        }

        return returnUrl;
    }
}
