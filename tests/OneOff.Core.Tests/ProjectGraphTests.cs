using System.Text.Json;
using System.Xml.Linq;
using OneOff.Testing;

namespace OneOff.Core.Tests;

/// <summary>The project graph of ARCHITECTURE.md ("Projects and who references whom"), read from the project files.</summary>
public sealed class ProjectGraphTests
{
    [Fact]
    public void ProjectReferences_AreTheArchitecturesGraph()
    {
        Assert.Empty(References("Core"));
        Assert.Equal(["Core"], References("DuckDb"));
        Assert.Equal(["Core"], References("Aws"));
        Assert.Equal(["Aws", "Core"], References("Jobs"));
        Assert.Equal(["Aws", "Core", "DuckDb", "Jobs"], References("Dashboard"));
    }

    [Fact]
    public void Dashboard_TakesTheJobAsABuildOutputNotACompileTimeReference()
    {
        var job = Project("Dashboard").Descendants("ProjectReference").Single(r => Name(r) == "Jobs");

        Assert.Equal("false", (string?)job.Attribute("ReferenceOutputAssembly"), ignoreCase: true);
    }

    [Fact]
    public void Core_HasNoCloudSdkAndNoNativeLibrary()
    {
        Assert.DoesNotContain(Packages("Core"), p => p.StartsWith("AWSSDK", StringComparison.OrdinalIgnoreCase) || p.StartsWith("DuckDB", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(ResolvedLibraries("Core").Where(l => l.HasNative || l.Name.StartsWith("AWSSDK", StringComparison.OrdinalIgnoreCase)).Select(l => l.Name));
    }

    [Fact]
    public void Jobs_DoesNotReachDuckDbDirectlyOrTransitively()
    {
        Assert.DoesNotContain("DuckDb", Reachable("Jobs"));
        Assert.DoesNotContain(ResolvedLibraries("Jobs"), l => l.Name.StartsWith("DuckDB", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(ResolvedLibraries("Jobs").Where(l => l.HasNative).Select(l => l.Name));
    }

    [Fact]
    public void DuckDb_IsTheOnlySourceProjectWithDuckDb()
    {
        var withDuckDb = Directory.GetDirectories(Path.Combine(RepoPaths.Root, "src")).Select(Path.GetFileName).OfType<string>()
            .Where(p => File.Exists(ProjectPath(p)) && Packages(p).Any(x => x.StartsWith("DuckDB", StringComparison.OrdinalIgnoreCase)));

        Assert.Equal(["DuckDb"], withDuckDb);
    }

    private static string ProjectPath(string project) => Path.Combine(RepoPaths.Root, "src", project, $"OneOff.{project}.csproj");

    private static XDocument Project(string project) => XDocument.Load(ProjectPath(project));

    private static string Name(XElement reference) =>
        Path.GetFileName(Path.GetDirectoryName(((string?)reference.Attribute("Include") ?? "").Replace('\\', '/'))) ?? "";

    private static string[] References(string project) =>
        [.. Project(project).Descendants("ProjectReference").Select(Name).Order(StringComparer.Ordinal)];

    private static string[] Packages(string project) =>
        [.. Project(project).Descendants("PackageReference").Select(p => (string?)p.Attribute("Include") ?? "")];

    private static HashSet<string> Reachable(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var todo = new Stack<string>(References(project));
        while (todo.TryPop(out var next))
        {
            if (seen.Add(next))
            {
                foreach (var r in References(next))
                {
                    todo.Push(r);
                }
            }
        }

        return seen;
    }

    /// <summary>Every package the restore resolved for a project (transitively), and whether it carries native code.</summary>
    private static List<(string Name, bool HasNative)> ResolvedLibraries(string project)
    {
        var assets = Path.Combine(RepoPaths.Root, "src", project, "obj", "project.assets.json");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(assets));
        var libraries = new List<(string, bool)>();
        foreach (var target in doc.RootElement.GetProperty("targets").EnumerateObject())
        {
            foreach (var library in target.Value.EnumerateObject())
            {
                if (library.Value.TryGetProperty("type", out var type) && type.GetString() != "package")
                {
                    continue;
                }

                var native = library.Value.TryGetProperty("runtimeTargets", out var runtime)
                    && runtime.EnumerateObject().Any(a => a.Value.TryGetProperty("assetType", out var kind) && kind.GetString() == "native");
                native |= library.Value.TryGetProperty("native", out var direct) && direct.EnumerateObject().Any(a => !a.Name.EndsWith("/_._", StringComparison.Ordinal));
                libraries.Add((library.Name.Split('/')[0], native));
            }
        }

        return libraries;
    }
}
