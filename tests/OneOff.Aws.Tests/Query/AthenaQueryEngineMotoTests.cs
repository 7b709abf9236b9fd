using System.Text.Json;
using Amazon.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using OneOff.Aws.Clients;
using OneOff.Aws.Query;
using OneOff.Aws.Storage;
using OneOff.Aws.Tests.Clients;
using OneOff.Aws.Tests.Infrastructure;
using OneOff.Aws.Tests.Storage;
using OneOff.Core.Runs;
using OneOff.Testing;

namespace OneOff.Aws.Tests.Query;

/// <summary>
/// Wire-shape smoke test of <see cref="AthenaQueryEngine"/> against moto, a third party that parses every call
/// against the service model: moto runs no SQL (its results are the canned ones queued through its API, measured:
/// every query SUCCEEDED, no paging), so this proves shapes, not answers.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class AthenaQueryEngineMotoTests(MotoServer moto) : IAsyncLifetime
{
    private const string Bucket = "oneoff-athena-smoke";
    private static readonly S3Root s_root = new(Bucket, "oneoff/");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        moto.SkipIfUnavailable();
        await moto.ResetAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task FirstQuery_CreatesTheCatalogAndReadsTheMetrics_HealthReadsTheWorkGroup()
    {
        using var s3 = S3ObjectStoreTests.CreateClient(moto);
        await s3.PutBucketAsync(Bucket, Ct);
        var store = new S3ObjectStore(s3, s_root);
        var manifest = new RunManifest(
            RunManifest.CurrentSchema, ScriptedAthena.RunId, "test", DateTimeOffset.UnixEpoch, ManifestParameters.From(new RunParameters()),
            [new ModelMetrics(30, 0.9, 0.8, 0.943, 100, 0.25, 0.5, StopReason.MaxIter)], 30, new ManifestRows(100, 100, 10201), new ManifestTimings(0, 0, 0, 0));
        await store.PutAsync(RunKeys.Manifest(ScriptedAthena.RunId), manifest.ToJson(), Ct);
        // moto hands its queued results to queries as they start (measured: StartQueryExecution takes the next one):
        // seven empty ones for the catalog's DDL (CREATE DATABASE, SHOW TABLES, five CREATE TABLE), then the metrics.
        await moto.SetAthenaResultsAsync(JsonSerializer.Serialize(new
        {
            region = MotoServer.Region,
            results = Enumerable.Repeat<object>(new { rows = Array.Empty<object>(), column_info = Array.Empty<object>() }, 7).Append(
                new
                {
                    rows = new object[]
                    {
                        Row("n_hidden", "train_acc", "test_acc", "surface_agree", "iterations", "final_loss", "fit_seconds", "stop_reason"),
                        Row("30", "0.9", "0.8", "0.943", "100", "0.25", "0.5", "max_iter"),
                    },
                    column_info = new[] { Column("n_hidden", "integer"), Column("train_acc", "double"), Column("test_acc", "double"), Column("surface_agree", "double"), Column("iterations", "integer"), Column("final_loss", "double"), Column("fit_seconds", "double"), Column("stop_reason", "varchar") },
                }).ToArray(),
        }));
        var client = ClientFactory.Athena(moto.Endpoint, new AwsClientOptions { Region = MotoServer.Region, MaxRetryAttempts = 1 }, new BasicAWSCredentials(MotoServer.AccessKey, MotoServer.SecretKey));
        var settings = new AthenaSettings("oneoff_smoke", "primary", $"s3://{Bucket}/oneoff/athena-results/", 60, TimeSpan.FromSeconds(30), InlineValues: false)
        {
            FirstPollDelay = TimeSpan.FromMilliseconds(10),
        };
        var runner = new AthenaQueryRunner(client, settings, TimeProvider.System, NullLogger.Instance);
        var usage = new RecordingUsageSink();
        using var engine = new AthenaQueryEngine(
            runner, new AthenaCatalog(runner, s_root, NullLogger.Instance), store, new AthenaResultFiles(s3), new AthenaUsage(usage), NullLogger<AthenaQueryEngine>.Instance, client);

        var health = await engine.CheckHealthAsync(Ct);
        var metrics = await engine.GetMetricsAsync(ScriptedAthena.RunId, Ct);

        Assert.True(health.IsHealthy, health.Description);
        var model = Assert.Single(metrics.Models);
        Assert.Equal(30, model.NHidden);
        Assert.Equal(0.943, model.SurfaceAgree);
        Assert.Equal(StopReason.MaxIter, model.StopReason);
        Assert.Equal(1, usage.ForRun(ScriptedAthena.RunId).Queries);
    }

    private static object Row(params string[] cells) => new { Data = cells.Select(c => new { VarCharValue = c }).ToArray() };

    private static object Column(string name, string type) =>
        new { CatalogName = "hive", SchemaName = "", TableName = "", Name = name, Label = name, Type = type, Precision = 10, Scale = 0, Nullable = "UNKNOWN", CaseSensitive = false };
}
