using Microsoft.Extensions.Options;
using OneOff.Dashboard.Configuration;

namespace OneOff.Dashboard.Runs;

/// <summary>
/// Looks for runs published outside the dashboard every <c>OneOff:Runs:AdoptionIntervalSeconds</c> (the first
/// look is one interval after start: the scheduler adopts at start); 0 turns it off. The interval runs on the
/// injected <see cref="TimeProvider"/>. A look that fails (the store or the database unreachable for a moment) is
/// logged and the next one tries again: this loop never stops the app.
/// </summary>
public sealed partial class PeriodicRunAdoption(RunAdoption adoption, IOptions<RunsOptions> options, TimeProvider time, ILogger<PeriodicRunAdoption> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = options.Value.AdoptionIntervalSeconds;
        if (seconds <= 0)
        {
            LogOff();
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await LookAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task LookAsync(CancellationToken stoppingToken)
    {
        try
        {
            await adoption.AdoptAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(e);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "OneOff:Runs:AdoptionIntervalSeconds is 0: runs published outside the dashboard are adopted only at start and on demand")]
    private partial void LogOff();

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Looking for runs published outside the dashboard failed; the next look tries again")]
    private partial void LogFailed(Exception e);
}
