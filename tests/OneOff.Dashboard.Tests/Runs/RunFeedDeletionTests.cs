using Microsoft.Extensions.DependencyInjection;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Runs;

public sealed class RunFeedDeletionTests
{
    [Fact]
    public async Task DeleteAsync_Run_TellsEveryDeletionSubscriberAfterTheFilesAreGoneThenThePages()
    {
        using var folder = new TempFolder();
        await using var app = new DashboardApp(folder.Path);
        var user = await app.PrincipalAsync("admin");
        var run = (await app.Commands.SubmitAsync(user, RunForms.Small(), RunForms.Key(), TestContext.Current.CancellationToken)).Run!;
        await RunWaits.StateAsync(app.Runs, run.Id, RunState.Succeeded);
        var calls = new List<string>();
        using var subscription = app.Services.GetRequiredService<RunFeed>().OnDeleted((runId, _) =>
        {
            lock (calls)
            {
                calls.Add($"deleted {runId}, files there: {Directory.Exists(Path.Combine(folder.Path, "runs", runId))}");
            }

            return Task.CompletedTask;
        });
        app.Runs.RunChanged += change =>
        {
            if (change.RunId == run.Id && change.Run is null)
            {
                lock (calls)
                {
                    calls.Add("page told");
                }
            }
        };

        await app.Commands.DeleteAsync(user, run.Id, TestContext.Current.CancellationToken);

        Assert.Equal([$"deleted {run.Id}, files there: False", "page told"], calls);
    }
}
