using System.Collections;

namespace OneOff.Core.Compute;

/// <summary>
/// The environment a local job gets: an allow-list, not a copy of the control plane's (whose environment holds
/// <c>OneOff__Admin__Password</c>, <c>ASPNETCORE_*</c> and whatever else the operator set for the dashboard).
/// The job needs the OS basics, the .NET host's knobs and the AWS SDK's default chain (a job writing to
/// <c>s3://</c> finds its region, endpoint and credentials there); nothing else passes.
/// </summary>
internal static class JobEnvironment
{
    private static readonly StringComparer s_names = OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
    private static readonly StringComparison s_prefixes = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private static readonly HashSet<string> s_allowed = new(
        [
            // POSIX basics.
            "PATH", "HOME", "USER", "LOGNAME", "SHELL", "TMPDIR", "TMP", "TEMP", "LANG", "LANGUAGE", "TZ",

            // Windows basics (the runtime and the AWS SDK's profile lookup read them there).
            "SystemRoot", "windir", "SystemDrive", "ComSpec", "PATHEXT", "USERPROFILE", "USERNAME", "APPDATA",
            "LOCALAPPDATA", "ProgramData", "ProgramFiles", "NUMBER_OF_PROCESSORS", "PROCESSOR_ARCHITECTURE",

            // HttpClient's proxy and the system's CA bundle: the S3 client reaches AWS through them.
            "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "no_proxy", "all_proxy",
            "SSL_CERT_FILE", "SSL_CERT_DIR",
        ],
        s_names);

    // LC_*: locale; DOTNET_* (DOTNET_ROOT, DOTNET_HOST_PATH, GC and diagnostics knobs) and COMPlus_*: the host and
    // runtime; AWS_*: the SDK's region, endpoint URLs, environment credentials, profile and container/instance
    // metadata settings (AWS_CONTAINER_CREDENTIALS_*, AWS_EC2_METADATA_DISABLED, AWS_WEB_IDENTITY_TOKEN_FILE, …).
    private static readonly string[] s_allowedPrefixes = ["LC_", "DOTNET_", "COMPlus_", "AWS_"];

    /// <summary>Whether a variable named <paramref name="name"/> passes to the job.</summary>
    public static bool IsAllowed(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return s_allowed.Contains(name) || s_allowedPrefixes.Any(p => name.StartsWith(p, s_prefixes) && name.Length > p.Length);
    }

    /// <summary>
    /// Replaces <paramref name="target"/> (a <see cref="System.Diagnostics.ProcessStartInfo.Environment"/>, which
    /// starts as a copy of this process's) with the allowed variables of <paramref name="source"/>.
    /// </summary>
    public static void Apply(IDictionary<string, string?> target, IDictionary source)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        target.Clear();
        foreach (DictionaryEntry entry in source)
        {
            if (entry.Key is string name && IsAllowed(name))
            {
                target[name] = entry.Value as string;
            }
        }
    }
}
