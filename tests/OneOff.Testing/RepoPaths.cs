namespace OneOff.Testing;

/// <summary>Paths in the repository the tests run from.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The npm folder with the official AWS SDK for JavaScript (the wire reference of our clients).</summary>
    public static string AwsSdkNpmDirectory => System.IO.Path.Combine(Root, "tests", "OneOff.Aws.Tests", "npm");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "OneOff.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The tests run outside the OneOff repository: OneOff.sln not found above " + AppContext.BaseDirectory);
    }
}
