using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OneOff.Core.Compute;
using OneOff.Core.Runs;
using OneOff.Dashboard.Authentication;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Export;

/// <summary>
/// One app over a data root holding a real published run (adopted at start, as a CLI run is), a published run whose
/// manifest went missing afterwards, the same outputs never published, and a run the dashboard started that stays
/// running (a scripted job that never ends); a Viewer signed in.
/// </summary>
public sealed class ExportFixture : IAsyncLifetime
{
    public const string RunId = "20260101-000000-expo";
    public const string ManifestGoneId = "20260101-000000-nomf";
    public const string UnpublishedId = "20260101-000000-unpb";

    private readonly TempFolder _folder = new();

    internal DashboardApp App { get; private set; } = null!;

    /// <summary>A Viewer (the lowest role) signed in.</summary>
    internal HttpClient Viewer { get; private set; } = null!;

    /// <summary>The id of the run that stays running.</summary>
    internal string RunningId { get; private set; } = "";

    public string RunFolder => Path.Combine(_folder.Path, "runs", RunId);

    public async ValueTask InitializeAsync()
    {
        // Written by the real job (a manifest names its own run, so a copy under another id would not be adopted).
        await TestRuns.WriteAsync(_folder.Path, RunId);
        await TestRuns.WriteAsync(_folder.Path, ManifestGoneId);
        await TestRuns.WriteAsync(_folder.Path, UnpublishedId, publish: false);
        var jobs = new ScriptedJobRunner(new FakeTimeProvider()) { Default = new JobScript().Started(3).Wait(TimeSpan.FromDays(1)) };
        App = new DashboardApp(_folder.Path, s => s.AddSingleton<IJobRunner>(jobs));
        _ = App.Server;
        await RunWaits.StateAsync(App.Runs, RunId, RunState.Succeeded);
        await RunWaits.StateAsync(App.Runs, ManifestGoneId, RunState.Succeeded);
        File.Delete(Path.Combine(_folder.Path, RunKeys.Manifest(ManifestGoneId)));

        var submitted = await App.Commands.SubmitAsync(await App.PrincipalAsync("admin"), RunForms.Small(), RunForms.Key());
        RunningId = submitted.Run?.Id ?? throw new InvalidOperationException(submitted.Refusal);
        await RunWaits.StateAsync(App.Runs, RunningId, RunState.Running);
        Viewer = await App.SignedInClientAsync("export-viewer", DashboardRoles.Viewer);
    }

    public async ValueTask DisposeAsync()
    {
        Viewer?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        _folder.Dispose();
    }
}
