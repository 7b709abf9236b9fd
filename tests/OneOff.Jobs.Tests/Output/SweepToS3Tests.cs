using System.Text.Json.Nodes;
using OneOff.Core.Storage;
using Amazon.Runtime;
using Amazon.S3;
using OneOff.Jobs.Tests.Infrastructure;
using Parquet;
using Parquet.Schema;
using OneOff.Testing;
using OneOff.Aws.Storage;

namespace OneOff.Jobs.Tests.Output;

/// <summary>
/// The real <c>oneoff-job sweep</c> writing to <c>s3://…</c> on moto (endpoint, region and credentials from the
/// environment, as on a real machine) produces the same run as writing to a local folder.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class SweepToS3Tests(MotoServer moto) : IDisposable
{
    private const string Bucket = "oneoff-runs";
    private const string RunId = "20240102-030405-s3ok";
    private static readonly string[] s_sweep = ["--train-size", "300", "--test-size", "200", "--hidden", "3,5", "--max-iter", "10", "--run-id", RunId];
    private readonly string _local = Path.Combine(Path.GetTempPath(), "oneoff-sweep-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sweep_OutS3_WritesTheSameRunAsToAFolder()
    {
        await moto.ResetAsync();
        using var s3 = new AmazonS3Client(
            new BasicAWSCredentials(MotoServer.AccessKey, MotoServer.SecretKey),
            new AmazonS3Config { ServiceURL = moto.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = MotoServer.Region });
        await s3.PutBucketAsync(Bucket, Ct);

        var toS3 = await RunJobAsync(["sweep", "--out", $"s3://{Bucket}/study", .. s_sweep]);
        var toFolder = await RunJobAsync(["sweep", "--out", _local, .. s_sweep]);

        Assert.True(toS3.ExitCode == 0, $"sweep to S3 failed: {toS3.StdErr}");
        Assert.True(toFolder.ExitCode == 0, $"sweep to a folder failed: {toFolder.StdErr}");
        using var remote = new S3ObjectStore(s3, S3Root.Parse($"s3://{Bucket}/study"));
        var local = new FolderObjectStore(_local);
        var keys = await local.ListAsync("runs/", Ct).ToListAsync(Ct);
        Assert.Equal(keys, await remote.ListAsync("runs/", Ct).ToListAsync(Ct));
        Assert.Contains($"runs/{RunId}/_manifest.json", keys);
        Assert.Contains($"runs/{RunId}/grid/n_hidden=5/part-0.parquet", keys);
        foreach (var key in keys.Where(k => k.EndsWith(".parquet", StringComparison.Ordinal)))
        {
            var (expected, actual) = (await local.GetAsync(key, Ct), await remote.GetAsync(key, Ct));
            if (key.Contains("/metrics/", StringComparison.Ordinal))
            {
                Assert.Equal(await ReadMetricsAsync(expected), await ReadMetricsAsync(actual));
            }
            else
            {
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"{key} differs between the folder and S3.");
            }
        }

        var localManifest = WithoutTimings(JsonNode.Parse(await local.GetAsync($"runs/{RunId}/_manifest.json", Ct)));
        var remoteManifest = WithoutTimings(JsonNode.Parse(await remote.GetAsync($"runs/{RunId}/_manifest.json", Ct)));
        Assert.Null(JsonComparison.FirstDifference(localManifest, remoteManifest));
        Assert.Equal(RunId, remoteManifest["run_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sweep_OutBadS3Uri_ExitsTwoNamingTheArgument()
    {
        var result = await RunJobAsync(["sweep", "--out", "s3://Not_A_Bucket/x", .. s_sweep]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--out", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("Not_A_Bucket", result.StdErr, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_local))
        {
            Directory.Delete(_local, recursive: true);
        }
    }

    private Task<ProcessRunner.Result> RunJobAsync(string[] arguments)
    {
        moto.SkipIfUnavailable();
        var job = Path.Combine(AppContext.BaseDirectory, "oneoff-job.dll");
        Assert.True(File.Exists(job), $"{job} is not built.");
        return ProcessRunner.RunAsync(
            "dotnet",
            [job, .. arguments],
            environment: new Dictionary<string, string?>
            {
                ["AWS_ENDPOINT_URL_S3"] = moto.Endpoint.ToString(),
                ["AWS_ACCESS_KEY_ID"] = MotoServer.AccessKey,
                ["AWS_SECRET_ACCESS_KEY"] = MotoServer.SecretKey,
                ["AWS_SESSION_TOKEN"] = null,
                ["AWS_REGION"] = MotoServer.Region,
                ["AWS_PROFILE"] = null,
                ["AWS_EC2_METADATA_DISABLED"] = "true",
            },
            timeout: TimeSpan.FromMinutes(3));
    }

    /// <summary>A metrics file's columns as text, except the measured <c>fit_seconds</c> (which differs run to run).</summary>
    private static async Task<string> ReadMetricsAsync(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: Ct);
        using var group = reader.OpenRowGroupReader(0);
        var rows = checked((int)group.RowCount);
        var text = new System.Text.StringBuilder();
        foreach (var name in new[] { "train_acc", "test_acc", "surface_agree", "final_loss" })
        {
            var values = new double[rows];
            await group.ReadAsync<double>(Field(reader, name), values.AsMemory(), cancellationToken: Ct);
            text.Append(name).Append('=').AppendJoin(',', values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))).AppendLine();
        }

        var iterations = new int[rows];
        await group.ReadAsync<int>(Field(reader, "iterations"), iterations.AsMemory(), cancellationToken: Ct);
        return text.Append("iterations=").AppendJoin(',', iterations).ToString();
    }

    private static DataField Field(ParquetReader reader, string name) =>
        reader.Schema.GetDataFields().Single(f => f.Name == name);

    private static JsonNode WithoutTimings(JsonNode? manifest)
    {
        var copy = manifest!.DeepClone().AsObject();
        copy.Remove("timings");
        copy.Remove("created_utc");
        foreach (var model in copy["models"]!.AsArray())
        {
            model!.AsObject().Remove("fit_seconds");
        }

        return copy;
    }
}
