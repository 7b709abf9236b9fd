using System.Text.Json;
using System.Text.Json.Nodes;
using OneOff.Testing;

namespace OneOff.Aws.Tests.Infrastructure;

/// <summary>One call for the official AWS SDK for JavaScript v3 to make.</summary>
public sealed record JsSdkCall(string Service, string Operation, JsonNode Input);

/// <summary>What the JavaScript SDK returned for one call: its parsed output, or its error.</summary>
public sealed record JsSdkResult(bool Ok, JsonObject? Output, JsonObject? Error);

/// <summary>
/// Runs <c>tests/OneOff.Aws.Tests/npm/sdk-driver.mjs</c> (the official <c>@aws-sdk/client-athena</c> and
/// <c>@aws-sdk/client-emr</c>, installed by test.sh) once for a whole list of calls.
/// </summary>
public static class JsSdkDriver
{
    public const string AccessKey = "AKIDEXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    public const string SessionToken = "FQoGZXIvYXdzEXAMPLE//token+with/slashes=";
    public const string Region = "us-east-1";
    public static readonly DateTimeOffset SigningDate = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>Null when the driver can run, else why not.</summary>
    public static string? Unavailable =>
        ProcessRunner.FindOnPath("node") is null ? "node is not on PATH (./test.sh installs it)"
        : !Directory.Exists(Path.Combine(RepoPaths.AwsSdkNpmDirectory, "node_modules", "@aws-sdk", "client-athena")) ? $"the AWS SDK for JavaScript is not installed in {RepoPaths.AwsSdkNpmDirectory} (./test.sh runs npm ci there)"
        : null;

    public static async Task<IReadOnlyList<JsSdkResult>> RunAsync(Uri endpoint, IReadOnlyList<JsSdkCall> calls)
    {
        var job = new JsonObject
        {
            ["endpoint"] = endpoint.ToString().TrimEnd('/'),
            ["region"] = Region,
            ["credentials"] = new JsonObject { ["accessKeyId"] = AccessKey, ["secretAccessKey"] = SecretKey, ["sessionToken"] = SessionToken },
            ["signingDateMs"] = SigningDate.ToUnixTimeMilliseconds(),
            ["calls"] = new JsonArray([.. calls.Select(c => new JsonObject { ["service"] = c.Service, ["operation"] = c.Operation, ["input"] = c.Input.DeepClone() })]),
        };
        var result = await ProcessRunner.RunAsync(
            ProcessRunner.FindOnPath("node") ?? "node", ["sdk-driver.mjs"], RepoPaths.AwsSdkNpmDirectory, job.ToJsonString(), timeout: TimeSpan.FromMinutes(2));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"sdk-driver.mjs failed ({result.ExitCode}): {result.StdErr}");
        }

        var array = JsonNode.Parse(result.StdOut)?.AsArray() ?? throw new JsonException("sdk-driver.mjs printed no JSON.");
        return [.. array.Select(n => new JsSdkResult(n!["ok"]!.GetValue<bool>(), n["output"]?.AsObject(), n["error"]?.AsObject()))];
    }
}
