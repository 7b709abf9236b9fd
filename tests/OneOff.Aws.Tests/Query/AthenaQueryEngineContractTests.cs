using Amazon.S3.Model;
using OneOff.Aws.Query;
using OneOff.Aws.Tests.StandIns;
using OneOff.Core.Query;
using OneOff.Testing;

namespace OneOff.Aws.Tests.Query;

/// <summary>
/// The fixture's runs (written by the real job) uploaded to the stand-ins' S3 under the deployment's prefix, once for
/// the class: what a published EMR run leaves in the bucket.
/// </summary>
public sealed class UploadedRunsFixture : IAsyncLifetime
{
    private readonly PublishedRunFixture _runs = new();

    public PublishedRunFixture Runs => _runs;

    public async ValueTask InitializeAsync() => await _runs.InitializeAsync();

    /// <summary>Uploads every file under the runs' root to <c>s3://{bucket}/{prefix}/</c> (once).</summary>
    public async Task UploadAsync(StandInsFixture standins)
    {
        await _gate.WaitAsync();
        try
        {
            if (_uploaded)
            {
                return;
            }

            using var s3 = standins.S3();
            foreach (var file in Directory.EnumerateFiles(_runs.Root, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(_runs.Root, file).Replace('\\', '/');
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = standins.Bucket, Key = $"{standins.Prefix}/{relative}", FilePath = file });
            }

            _uploaded = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    public ValueTask DisposeAsync() => _runs.DisposeAsync();

    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _uploaded;
}

/// <summary>
/// The <see cref="IQueryEngine"/> contract on <see cref="AthenaQueryEngine"/> against the Athena stand-in (the DDL the
/// engine sends builds its catalog; the catalog's SQL runs on DuckDB over the run's objects fetched from S3): the
/// same answers as DuckDB over the same files (<c>DuckDbQueryEngineTests</c> runs the same class locally).
/// </summary>
[Collection(StandInsCollection.Name)]
public sealed class AthenaQueryEngineContractTests : QueryEngineContractTests, IClassFixture<UploadedRunsFixture>, IAsyncLifetime
{
    private readonly StandInsFixture _standins;
    private readonly UploadedRunsFixture _uploaded;

    public AthenaQueryEngineContractTests(StandInsFixture standins, UploadedRunsFixture uploaded)
        : base(uploaded.Runs)
    {
        _standins = standins;
        _uploaded = uploaded;
    }

    public async ValueTask InitializeAsync()
    {
        _standins.SkipIfUnavailable();
        await _uploaded.UploadAsync(_standins);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    protected override IQueryEngine NewEngine() => _standins.AthenaEngine(new AthenaUsage());
}
