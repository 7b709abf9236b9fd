using Microsoft.Extensions.Time.Testing;
using OneOff.Core.Compute;
using OneOff.Dashboard.Data;
using OneOff.Dashboard.Runs;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Runs;

/// <summary>The EMR reaper's questions to the run store, and its note on the run page's record.</summary>
public sealed class RunLookupTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task FindAsync_ActiveFinishedAndUnknownRuns_AreToldApart()
    {
        const string Published = "20260101-000000-pub1";
        await TestRuns.WriteAsync(RunsHarness.ObjectsOf(_folder.Path).Root, Published, hidden: [3]);
        // A job that keeps running (on the fake clock) while it is asked about.
        var runner = new ScriptedJobRunner(_time).Enqueue(new JobScript().Started().Wait(TimeSpan.FromHours(1)).Exits());
        await using var runs = await new RunsHarness(_folder.Path, _time, runner).StartAsync();
        await runs.StateAsync(Published, RunState.Succeeded);
        var active = await runs.SubmitAsync();
        await runner.WhenStartedAsync(active);
        await runs.StateAsync(active, RunState.Running);
        var lookup = new RunLookup(runs.Store);

        Assert.Equal(RunPresence.Finished, await lookup.FindAsync(Published, TestContext.Current.CancellationToken));
        Assert.Equal(RunPresence.Active, await lookup.FindAsync(active, TestContext.Current.CancellationToken));
        Assert.Equal(RunPresence.Unknown, await lookup.FindAsync("20260101-000000-none", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task NoteAsync_KnownRun_IsKeptOnItsRecordAndAnUnknownOneIsIgnored()
    {
        const string Published = "20260101-000000-pub2";
        await TestRuns.WriteAsync(RunsHarness.ObjectsOf(_folder.Path).Root, Published, hidden: [3]);
        await using var runs = await new RunsHarness(_folder.Path, _time, new ScriptedJobRunner(_time)).StartAsync();
        await runs.StateAsync(Published, RunState.Succeeded);
        var lookup = new RunLookup(runs.Store);
        var note = "The reaper terminated cluster j-ABC: its lease expired at 2026-03-01T11:00:00Z. " + new string('x', 2000);

        await lookup.NoteAsync(Published, note, TestContext.Current.CancellationToken);
        await lookup.NoteAsync("20260101-000000-none", "ignored", TestContext.Current.CancellationToken);

        var run = await runs.Runs.GetAsync(Published, TestContext.Current.CancellationToken);
        Assert.StartsWith("The reaper terminated cluster j-ABC", run!.RunnerNote, StringComparison.Ordinal);
        Assert.Equal(1024, run.RunnerNote!.Length);
        Assert.Equal(RunState.Succeeded, run.State);
        Assert.Null(await runs.Runs.GetAsync("20260101-000000-none", TestContext.Current.CancellationToken));
    }

    public void Dispose() => _folder.Dispose();
}
