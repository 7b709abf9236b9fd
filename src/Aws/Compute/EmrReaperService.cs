using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OneOff.Aws.Compute;

/// <summary>
/// Runs <see cref="EmrReaper.SweepAsync"/> at start and then every <see cref="EmrReaperOptions.IntervalMinutes"/> on
/// the injected <see cref="TimeProvider"/>. A look that fails (EMR unreachable or throttling for a moment) is logged
/// and the next one tries again: this loop never stops the app. Without a reaper (no
/// <see cref="Core.Compute.IRunLookup"/> registered) it says so once and does nothing.
/// </summary>
public sealed partial class EmrReaperService : BackgroundService
{
    private readonly EmrReaper? _reaper;
    private readonly EmrReaperOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the service.</summary>
    /// <param name="reaper">The reaper; null turns the service off (logged at start).</param>
    /// <param name="options">The interval.</param>
    /// <param name="time">The clock the interval runs on.</param>
    /// <param name="logger">Where failed looks are logged.</param>
    public EmrReaperService(EmrReaper? reaper, IOptions<EmrReaperOptions> options, TimeProvider time, ILogger<EmrReaperService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _reaper = reaper;
        _options = options.Value;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_reaper is null)
        {
            LogOff(_logger);
            return;
        }

        // The timer exists before the first look, so the interval counts from the start, not from the first look's end.
        using var timer = new PeriodicTimer(_options.Interval, _time);
        try
        {
            do
            {
                await SweepAsync(_reaper, stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SweepAsync(EmrReaper reaper, CancellationToken stoppingToken)
    {
        try
        {
            await reaper.SweepAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogFailed(_logger, e, _options.IntervalMinutes);
        }
    }

    [LoggerMessage(EventId = 2211, Level = LogLevel.Warning, Message = "No run lookup is registered, so the EMR reaper is off: clusters of finished or unknown runs are not terminated by this deployment")]
    private static partial void LogOff(ILogger logger);

    [LoggerMessage(EventId = 2212, Level = LogLevel.Warning, Message = "The EMR reaper's look failed; the next look tries again in {IntervalMinutes} minutes")]
    private static partial void LogFailed(ILogger logger, Exception exception, int intervalMinutes);
}
