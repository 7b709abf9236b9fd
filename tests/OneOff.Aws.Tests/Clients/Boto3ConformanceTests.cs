using System.Text.Json.Nodes;
using OneOff.Aws.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Aws.Tests.Clients;

/// <summary>
/// A second reference: boto3 (whose botocore validates every input against its own copy of the service model)
/// sends each <see cref="ConformanceCases"/> request; OneOff's request must parse to the same JSON with the same
/// target and content type. Bytes differ by design (botocore escapes non-ASCII and keeps the caller's member order).
/// </summary>
public sealed class Boto3ConformanceTests(Boto3ConformanceTests.Boto3Run boto3, AwsSdkConformanceTests.JsRun js)
    : IClassFixture<Boto3ConformanceTests.Boto3Run>, IClassFixture<AwsSdkConformanceTests.JsRun>
{
    public static TheoryData<string> CaseNames => AwsSdkConformanceTests.CaseNames;

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Request_SameInputAsBoto3_SameParsedBody(string name)
    {
        Assert.SkipWhen(boto3.Unavailable is not null, boto3.Unavailable ?? string.Empty);
        var index = ConformanceCases.All.Select(c => c.Name).ToList().IndexOf(name);
        var (expected, error) = boto3.Exchanges[index];
        Assert.True(expected is not null, $"boto3 refused the input: {error}");

        var actual = await js.SendWithOneOffAsync(ConformanceCases.All[index]);

        Assert.Equal(expected.Header("X-Amz-Target"), actual.Header("X-Amz-Target"));
        Assert.Equal(expected.Header("Content-Type"), actual.Header("Content-Type"));
        Assert.Null(JsonComparison.FirstDifference(WholeSecondTimestamps(JsonNode.Parse(expected.Body)), WholeSecondTimestamps(JsonNode.Parse(actual.Body))));
    }

    /// <summary>botocore sends timestamps as whole epoch seconds (the JavaScript SDK and OneOff keep milliseconds).</summary>
    private static JsonNode? WholeSecondTimestamps(JsonNode? body)
    {
        if (body is JsonObject o)
        {
            foreach (var name in new[] { "CreatedAfter", "CreatedBefore" })
            {
                if (o[name] is JsonValue v)
                {
                    o[name] = Math.Floor(v.GetValue<decimal>());
                }
            }
        }

        return body;
    }

    /// <summary>boto3's request for every case, made once for the class.</summary>
    public sealed class Boto3Run : IAsyncLifetime
    {
        private readonly CaptureServer _server = new();

        public string? Unavailable { get; private set; }

        public IReadOnlyList<(CapturedRequest? Request, string? Error)> Exchanges { get; private set; } = [];

        public async ValueTask InitializeAsync()
        {
            var python = ProcessRunner.FindOnPath("python3");
            if (python is null || (await ProcessRunner.RunAsync(python, ["-c", "import boto3"])).ExitCode != 0)
            {
                Unavailable = "boto3 is not installed for the python3 on PATH";
                return;
            }

            var cases = ConformanceCases.All;
            _server.AnswerInOrder(cases.Select(c => c.Reply));
            var job = new JsonObject
            {
                ["endpoint"] = _server.Endpoint.ToString().TrimEnd('/'),
                ["region"] = JsSdkDriver.Region,
                ["credentials"] = new JsonObject { ["accessKeyId"] = JsSdkDriver.AccessKey, ["secretAccessKey"] = JsSdkDriver.SecretKey, ["sessionToken"] = JsSdkDriver.SessionToken },
                ["calls"] = new JsonArray([.. cases.Select(c => new JsonObject { ["service"] = c.Service, ["operation"] = c.Operation, ["input"] = JsonNode.Parse(c.Input) })]),
            };
            var run = await ProcessRunner.RunAsync(
                python, [Path.Combine(RepoPaths.Root, "tests", "OneOff.Aws.Tests", "python", "boto3_driver.py")], stdin: job.ToJsonString(),
                environment: new Dictionary<string, string?> { ["AWS_CONFIG_FILE"] = "/dev/null", ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null", ["AWS_PROFILE"] = null });
            if (run.ExitCode != 0)
            {
                throw new InvalidOperationException($"boto3_driver.py failed: {run.StdErr}");
            }

            var results = JsonNode.Parse(run.StdOut)!.AsArray();
            var requests = new Queue<CapturedRequest>(_server.Requests);
            Exchanges =
            [
                .. results.Select(r =>
                {
                    var error = r!["error"]?.GetValue<string>();
                    var sent = error is null || !error.StartsWith("ParamValidationError", StringComparison.Ordinal);
                    return (sent ? requests.Dequeue() : null, error);
                }),
            ];
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }
}
