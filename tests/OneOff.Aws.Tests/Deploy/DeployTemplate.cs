using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OneOff.Testing;

namespace OneOff.Aws.Tests.Deploy;

/// <summary>
/// <c>deploy/oneoff.yaml</c> read the way cfn-lint reads it (<c>template_json.py</c>, on the python3 beside moto), and its
/// IAM statements with each resource and condition value rendered as a <c>Fn::Sub</c> string: <c>{"Ref": "X"}</c> as
/// <c>${X}</c>, <c>{"Fn::GetAtt": ["B", "Arn"]}</c> as <c>${B.Arn}</c>.
/// </summary>
internal sealed class DeployTemplate
{
    private DeployTemplate(JsonObject root) => Root = root;

    public static string YamlPath => Path.Combine(RepoPaths.Root, "deploy", "oneoff.yaml");

    public static string ScriptPath(string name) => Path.Combine(RepoPaths.Root, "tests", "OneOff.Aws.Tests", "Deploy", name);

    public JsonObject Root { get; }

    public JsonObject Resources => Root["Resources"]!.AsObject();

    public JsonObject Outputs => Root["Outputs"]!.AsObject();

    /// <summary>The python3 on PATH, or skips the test when there is none or cfn-lint is not installed for it.</summary>
    public static async Task<string> PythonWithCfnLintAsync(CancellationToken cancellationToken)
    {
        var python = ProcessRunner.FindOnPath("python3");
        if (python is null)
        {
            Assert.Skip("python3 is not on PATH");
        }

        var probe = await ProcessRunner.RunAsync(python, ["-c", "import cfnlint.decode, boto3"], timeout: TimeSpan.FromSeconds(60));
        cancellationToken.ThrowIfCancellationRequested();
        if (probe.ExitCode != 0)
        {
            Assert.Skip($"cfn-lint is not installed for {python} (pip install cfn-lint): {probe.StdErr.Trim().Split('\n').LastOrDefault()}");
        }

        return python;
    }

    public static async Task<DeployTemplate> LoadAsync(CancellationToken cancellationToken)
    {
        var python = await PythonWithCfnLintAsync(cancellationToken);
        var result = await ProcessRunner.RunAsync(python, [ScriptPath("template_json.py"), YamlPath], timeout: TimeSpan.FromSeconds(120));
        Assert.True(result.ExitCode == 0, $"template_json.py failed: {result.StdErr}");
        return new DeployTemplate(JsonNode.Parse(result.StdOut)!.AsObject());
    }

    /// <summary>The statements of a resource's policy: a managed policy's document, or every inline policy of a role.</summary>
    public IReadOnlyList<Statement> Statements(string logicalId)
    {
        var properties = Resources[logicalId]!["Properties"]!.AsObject();
        var documents = properties["PolicyDocument"] is { } document
            ? [document]
            : properties["Policies"]!.AsArray().Select(p => p!["PolicyDocument"]!).ToList();
        return [.. documents.SelectMany(d => d!["Statement"]!.AsArray()).Select(s => Statement.From(s!.AsObject()))];
    }

    /// <summary>Renders an intrinsic as the <c>Fn::Sub</c> text it stands for.</summary>
    public static string Render(JsonNode? node) => node switch
    {
        JsonValue value => value.ToString(),
        JsonObject o when o["Ref"] is { } name => $"${{{name}}}",
        JsonObject o when o["Fn::GetAtt"] is JsonArray { Count: 2 } att => $"${{{att[0]}.{att[1]}}}",
        JsonObject o when o["Fn::Sub"] is JsonValue text => text.ToString(),
        _ => throw new InvalidOperationException($"Cannot render {node?.ToJsonString()} as text."),
    };

    private static IReadOnlyList<string> List(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(Render)] : node is null ? [] : [Render(node)];

    /// <summary>One IAM statement; <see cref="Condition"/> maps operator → key → values.</summary>
    public sealed record Statement(
        string Sid, string Effect, IReadOnlyList<string> Actions, IReadOnlyList<string> Resources,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>> Condition)
    {
        public static Statement From(JsonObject s) => new(
            s["Sid"]?.ToString() ?? "",
            s["Effect"]!.ToString(),
            List(s["Action"]),
            List(s["Resource"]),
            s["Condition"] is JsonObject condition
                ? condition.ToDictionary(
                    o => o.Key,
                    o => (IReadOnlyDictionary<string, IReadOnlyList<string>>)o.Value!.AsObject().ToDictionary(k => k.Key, k => List(k.Value), StringComparer.Ordinal),
                    StringComparer.Ordinal)
                : new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>>());

        public bool Allows(string action, string resource) =>
            Effect == "Allow" && Actions.Contains(action, StringComparer.Ordinal) && Resources.Any(r => Matches(r, resource));

        public IReadOnlyList<string> ConditionValues(string op, string key) =>
            Condition.TryGetValue(op, out var keys) && keys.TryGetValue(key, out var values) ? values : [];
    }

    /// <summary>IAM's wildcard match: <c>*</c> any run of characters, <c>?</c> one (the pattern side only).</summary>
    public static bool Matches(string pattern, string value) =>
        Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$", RegexOptions.None, TimeSpan.FromSeconds(1));
}
