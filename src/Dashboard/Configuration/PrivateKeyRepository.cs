using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace OneOff.Dashboard.Configuration;

/// <summary>
/// The data-protection keys (sign-in cookies, antiforgery tokens) in <c>{DataRoot}/keys</c>. Linux offers no key
/// encryption at rest the framework could use, so ASP.NET Core warns "No XML encryptor configured … unencrypted
/// form" when it makes a key; that warning is filtered (<see cref="FrameworkWarningCategory"/>) and this says, in
/// one line of our own, what protects the keys instead: the folder is this user's only (0700, files 0600).
/// </summary>
public sealed partial class PrivateKeyRepository(string folder, ILoggerFactory loggers) : IXmlRepository
{
    /// <summary>The framework's logger that warns about unencrypted keys (at Warning; its errors still show).</summary>
    public const string FrameworkWarningCategory = "Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager";

    private readonly FileSystemXmlRepository _files = new(new DirectoryInfo(folder), loggers);
    private readonly ILogger _logger = loggers.CreateLogger<PrivateKeyRepository>();

    public IReadOnlyCollection<XElement> GetAllElements() => _files.GetAllElements();

    public void StoreElement(XElement element, string friendlyName)
    {
        _files.StoreElement(element, friendlyName);
        if (!OperatingSystem.IsWindows())
        {
            // Whatever the umask: the keys are the owner's only.
            foreach (var file in Directory.EnumerateFiles(folder, "*.xml"))
            {
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        LogKeyStored(_logger, folder);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "A new sign-in key was stored in {Folder}, unencrypted (Linux offers no key encryption at rest) but readable by this user only (folder 0700, files 0600): keep that folder private and out of backups others can read.")]
    private static partial void LogKeyStored(ILogger logger, string folder);
}
