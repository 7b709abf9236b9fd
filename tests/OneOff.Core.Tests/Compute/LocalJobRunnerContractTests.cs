using Microsoft.Extensions.Logging.Abstractions;
using OneOff.Core.Compute;
using OneOff.Core.Storage;
using OneOff.Testing;

namespace OneOff.Core.Tests.Compute;

/// <summary>The runner contract against <see cref="LocalJobRunner"/> and the real oneoff-job built next to these tests.</summary>
public sealed class LocalJobRunnerContractTests : JobRunnerContractTests, IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FolderObjectStore _store;

    public LocalJobRunnerContractTests() => _store = new FolderObjectStore(_folder.Path);

    protected override IObjectStore Store => _store;

    protected override string RunnerName => LocalJobRunner.RunnerName;

    public void Dispose() => _folder.Dispose();

    protected override IJobRunner CreateRunner() => new LocalJobRunner(
        new LocalJobRunnerOptions { JobPath = LocalJobRunnerTests.Job, PollInterval = TimeSpan.FromMilliseconds(100) },
        _store, NullLogger<LocalJobRunner>.Instance, TimeProvider.System);
}
