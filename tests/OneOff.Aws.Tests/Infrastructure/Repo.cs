namespace OneOff.Aws.Tests.Infrastructure;

/// <summary>Paths in the source tree the tests were built from.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string NpmDirectory => Path.Combine(Root, "tests", "OneOff.Aws.Tests", "npm");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OneOff.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No OneOff.sln above {AppContext.BaseDirectory}.");
    }
}
