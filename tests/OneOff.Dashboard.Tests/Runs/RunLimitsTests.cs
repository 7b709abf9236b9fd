using System.Security.Claims;
using Microsoft.Extensions.Time.Testing;
using OneOff.Core.Runs;
using OneOff.Dashboard.Configuration;
using OneOff.Dashboard.Runs;
using OneOff.Dashboard.Tests.Infrastructure;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Runs;

/// <summary>
/// The limits of <c>OneOff:Runs</c> as <see cref="RunCommands.SubmitAsync"/> applies them: the real store over
/// SQLite and a folder, scripted jobs that stay active (one at a time) so that the rest wait in the queue.
/// </summary>
public sealed class RunLimitsTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RunParameters SmallParameters => RunParameterParser.Parse(RunForms.Small()).Parameters!;

    [Fact]
    public async Task Submit_OverMaxWork_IsRefusedWithTheLimitAndTheNumbersAndQueuesNothing()
    {
        var work = WorkModel.Work(SmallParameters);
        await using var runs = await StartAsync(new RunsOptions { MaxWork = work * 10 / 42 });

        var result = await SubmitAsync(runs, await runs.OperatorAsync("ann"), RunForms.Small());

        Assert.Null(result.Run);
        Assert.Empty(result.Errors);
        Assert.Equal(
            $"This run is 4.2× the largest allowed: {WorkModel.Format(work)} work units against {WorkModel.Format(work * 10 / 42)} (OneOff:Runs:MaxWork). Use fewer training points, hidden sizes or iterations.",
            result.Refusal);
        Assert.Empty(await runs.Runs.ListAsync(Ct));
        Assert.Empty(runs.Runner.Requests);
    }

    [Fact]
    public async Task Submit_ExactlyMaxWork_IsQueued()
    {
        await using var runs = await StartAsync(new RunsOptions { MaxWork = WorkModel.Work(SmallParameters) });

        var result = await SubmitAsync(runs, await runs.OperatorAsync("ann"), RunForms.Small());

        Assert.Null(result.Refusal);
        Assert.NotNull(result.Run);
    }

    [Fact]
    public async Task Submit_MaxWorkZero_HasNoLimit()
    {
        await using var runs = await StartAsync(new RunsOptions { MaxWork = 0 });
        var form = RunForms.Small();
        form["train_size"] = "1000000";
        form["hidden_sizes"] = string.Join(',', Enumerable.Range(1981, 20));
        form["max_iter"] = "10000";

        var result = await SubmitAsync(runs, await runs.OperatorAsync("ann"), form);

        Assert.NotNull(result.Run);
    }

    [Fact]
    public async Task Submit_DefaultMaxWork_RefusesTheFormsLargestRunAndAcceptsTheDefaultStudy()
    {
        await using var runs = await StartAsync(new RunsOptions());
        var largest = RunForms.Small();
        largest["train_size"] = "1000000";
        largest["hidden_sizes"] = string.Join(',', Enumerable.Range(1981, 20));
        largest["max_iter"] = "10000";

        var refused = await SubmitAsync(runs, await runs.OperatorAsync("ann"), largest);
        var study = await SubmitAsync(runs, await runs.OperatorAsync("ann"), new Dictionary<string, string?>());

        Assert.StartsWith("This run is 1", refused.Refusal, StringComparison.Ordinal);
        Assert.Contains("(OneOff:Runs:MaxWork)", refused.Refusal, StringComparison.Ordinal);
        Assert.NotNull(study.Run);
    }

    [Fact]
    public async Task Submit_MaxQueuedReached_RefusesTheNextRunOfAnyUserAndAcceptsUpToTheLimit()
    {
        await using var runs = await StartAsync(new RunsOptions { MaxQueued = 2, MaxQueuedPerUser = 0 });

        var first = await SubmitAsync(runs, await runs.OperatorAsync("ann"), RunForms.Small());
        var second = await SubmitAsync(runs, await runs.OperatorAsync("bob"), RunForms.Small());
        var third = await SubmitAsync(runs, await runs.OperatorAsync("cy"), RunForms.Small());

        Assert.NotNull(first.Run);
        Assert.NotNull(second.Run);
        Assert.Null(third.Run);
        Assert.Equal(
            "The queue is full: 2 runs are queued or running, the most allowed (OneOff:Runs:MaxQueued is 2). Wait for one to finish, or cancel one.",
            third.Refusal);
        Assert.Equal(2, (await runs.Runs.ListAsync(Ct)).Count);
    }

    [Fact]
    public async Task Submit_MaxQueuedPerUserReached_RefusesThatUserOnly()
    {
        await using var runs = await StartAsync(new RunsOptions { MaxQueued = 0, MaxQueuedPerUser = 2 });

        var first = await SubmitAsync(runs, await runs.OperatorAsync("ann"), RunForms.Small());
        var second = await SubmitAsync(runs, await runs.OperatorAsync("ann"), RunForms.Small());
        var third = await SubmitAsync(runs, await runs.OperatorAsync("ann"), RunForms.Small());
        var other = await SubmitAsync(runs, await runs.OperatorAsync("bob"), RunForms.Small());

        Assert.NotNull(first.Run);
        Assert.NotNull(second.Run);
        Assert.Equal(
            "You already have 2 runs queued or running, the most one user may have (OneOff:Runs:MaxQueuedPerUser is 2). Wait for one to finish, or cancel one.",
            third.Refusal);
        Assert.NotNull(other.Run);
    }

    [Fact]
    public async Task Submit_AfterAQueuedRunIsCancelled_IsAcceptedAgain()
    {
        await using var runs = await StartAsync(new RunsOptions { MaxQueuedPerUser = 2 });
        var ann = await runs.OperatorAsync("ann");
        await SubmitAsync(runs, ann, RunForms.Small());
        var queued = (await SubmitAsync(runs, ann, RunForms.Small())).Run!;
        var refused = await SubmitAsync(runs, ann, RunForms.Small());

        await runs.Commands.CancelAsync(ann, queued.Id, Ct);
        var again = await SubmitAsync(runs, ann, RunForms.Small());

        Assert.NotNull(refused.Refusal);
        Assert.NotNull(again.Run);
    }

    [Fact]
    public async Task Submit_ConcurrentSubmitsWithALimitOfOne_OnlyOnePasses()
    {
        await using var runs = await StartAsync(new RunsOptions { MaxQueued = 1 });
        var users = new List<ClaimsPrincipal>();
        for (var i = 0; i < 12; i++)
        {
            users.Add(await runs.OperatorAsync($"user{i}"));
        }

        var results = await Task.WhenAll(users.Select(u => Task.Run(() => SubmitAsync(runs, u, RunForms.Small()), Ct)));

        Assert.Single(results, r => r.Run is not null);
        Assert.Equal(11, results.Count(r => r.Refusal is not null && r.Refusal.StartsWith("The queue is full", StringComparison.Ordinal)));
        Assert.Single(await runs.Runs.ListAsync(Ct));
    }

    [Fact]
    public async Task Submit_SameKeyAgainAtTheLimit_ReturnsTheRunItCreated()
    {
        await using var runs = await StartAsync(new RunsOptions { MaxQueued = 1, MaxQueuedPerUser = 1, DiskBudgetBytes = RunOutputSize.Estimate(SmallParameters) });
        var ann = await runs.OperatorAsync("ann");
        var key = RunForms.Key();

        var first = await runs.Commands.SubmitAsync(ann, RunForms.Small(), key, Ct);
        var again = await runs.Commands.SubmitAsync(ann, RunForms.Small(), key, Ct);

        Assert.NotNull(first.Run);
        Assert.Null(again.Refusal);
        Assert.Equal(first.Run.Id, again.Run?.Id);
        Assert.Single(await runs.Runs.ListAsync(Ct));
    }

    [Fact]
    public async Task Submit_DiskBudget_AcceptsAtTheBudgetAndRefusesOneByteOver()
    {
        var stored = new byte[50_000];
        var needs = RunOutputSize.Estimate(SmallParameters);
        await using (var tight = await StartAsync(new RunsOptions { DiskBudgetBytes = stored.Length + needs - 1 }))
        {
            await tight.Objects.PutAsync("runs/old-run/train/part-0.parquet", stored, Ct);

            var refused = await SubmitAsync(tight, await tight.OperatorAsync("ann"), RunForms.Small());

            Assert.Null(refused.Run);
            Assert.Equal(
                $"This run would write about {RunLimits.Bytes(needs)}, and the runs already take 50 kB (those still running counted at their full size) of the {RunLimits.Bytes(stored.Length + needs - 1)} allowed (OneOff:Runs:DiskBudgetBytes). Delete old runs, or use fewer points.",
                refused.Refusal);
        }

        await using var exact = await StartAsync(new RunsOptions { DiskBudgetBytes = stored.Length + needs });

        var accepted = await SubmitAsync(exact, await exact.OperatorAsync("ann"), RunForms.Small());

        Assert.NotNull(accepted.Run);
    }

    [Fact]
    public async Task Submit_DiskBudget_CountsTheUnfinishedRunsAtTheirEstimatedSize()
    {
        var needs = RunOutputSize.Estimate(SmallParameters);
        await using var runs = await StartAsync(new RunsOptions { DiskBudgetBytes = (2 * needs) + 10 });

        var first = await SubmitAsync(runs, await runs.OperatorAsync("ann"), RunForms.Small());
        var second = await SubmitAsync(runs, await runs.OperatorAsync("bob"), RunForms.Small());
        var third = await SubmitAsync(runs, await runs.OperatorAsync("cy"), RunForms.Small());

        Assert.NotNull(first.Run);
        Assert.NotNull(second.Run);
        Assert.Contains("(OneOff:Runs:DiskBudgetBytes)", third.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_RunsOfTheCliInTheStore_CountAgainstTheDiskBudget()
    {
        var needs = RunOutputSize.Estimate(SmallParameters);
        await using var runs = await StartAsync(new RunsOptions { DiskBudgetBytes = needs + 1000 });
        await runs.Objects.PutAsync("runs/from-cli/grid/n_hidden=5/part-0.parquet", new byte[1001], Ct);
        await runs.Objects.PutAsync("elsewhere/big", new byte[100_000], Ct);

        var refused = await SubmitAsync(runs, await runs.OperatorAsync("ann"), RunForms.Small());
        await runs.Objects.DeletePrefixAsync("runs/from-cli/", Ct);
        var accepted = await SubmitAsync(runs, await runs.OperatorAsync("ann"), RunForms.Small());

        Assert.NotNull(refused.Refusal);
        Assert.NotNull(accepted.Run);
    }

    public void Dispose() => _folder.Dispose();

    private static Task<SubmitResult> SubmitAsync(RunsHarness runs, ClaimsPrincipal user, Dictionary<string, string?> form) =>
        runs.Commands.SubmitAsync(user, form, RunForms.Key(), Ct);

    private Task<RunsHarness> StartAsync(RunsOptions options)
    {
        // Every job starts and then runs for an hour of fake time: one is active, the others wait queued.
        var runner = new ScriptedJobRunner(_time) { Default = new JobScript().Started().Wait(TimeSpan.FromHours(1)).Exits(1, "ended") };
        return new RunsHarness(_folder.Path, _time, runner, options: options).StartAsync();
    }
}
