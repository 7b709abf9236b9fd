using Microsoft.Extensions.Options;

namespace OneOff.Dashboard.Audit;

/// <summary>Keeps the audit log to <c>OneOff:Audit:RetentionDays</c>: prunes at start, then once a day.</summary>
public sealed partial class AuditRetention(AuditLog audit, IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditRetention> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                var removed = await audit.PruneAsync(stoppingToken).ConfigureAwait(false);
                if (removed > 0)
                {
                    LogPruned(removed, options.Value.RetentionDays);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPruneFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit log: deleted {Count} entries older than {Days} days (OneOff:Audit:RetentionDays)")]
    private partial void LogPruned(int count, int days);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit log: old entries could not be deleted; trying again in a day")]
    private partial void LogPruneFailed(Exception exception);
}
