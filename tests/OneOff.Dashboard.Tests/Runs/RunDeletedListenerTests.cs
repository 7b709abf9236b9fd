using Microsoft.Extensions.DependencyInjection;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Runs;

public sealed class RunDeletedListenerTests
{
    [Fact]
    public async Task DeleteAsync_Run_TellsEveryListenerAfterTheFilesAreGone()
    {
        using var folder = new TempFolder();
        var listener = new RecordingListener(folder.Path);
        await using var app = new DashboardApp(folder.Path, s => s.AddSingleton<IRunDeletedListener>(listener));
        var user = await app.PrincipalAsync("admin");
        var run = (await app.Coordinator.SubmitAsync(user, RunForms.Small(), RunForms.Key(), TestContext.Current.CancellationToken)).Run!;
        await RunWaits.StateAsync(app.Coordinator, run.Id, RunState.Succeeded);

        await app.Coordinator.DeleteAsync(user, run.Id, TestContext.Current.CancellationToken);

        Assert.Equal([(run.Id, false)], listener.Calls);
    }

    private sealed class RecordingListener(string dataRoot) : IRunDeletedListener
    {
        public List<(string RunId, bool FilesStillThere)> Calls { get; } = [];

        public Task OnRunDeletedAsync(string runId, CancellationToken cancellationToken)
        {
            Calls.Add((runId, Directory.Exists(Path.Combine(dataRoot, "runs", runId))));
            return Task.CompletedTask;
        }
    }
}
