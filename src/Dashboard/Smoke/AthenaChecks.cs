using OneOff.Core.Query;

namespace OneOff.Dashboard.Smoke;

/// <summary>
/// Athena's account-only items (ARCHITECTURE "Athena"): whether Athena takes a <c>?</c> for an injected projection
/// column (else <c>OneOff:Aws:Athena:InlineValues</c>), asked with one catalog query of the smoke's published run
/// through the app's own <see cref="IQueryEngine"/> (its <c>?</c> on <c>run_id</c> and <c>n_hidden</c>); and the
/// workgroup <c>/healthz</c> reads (GetWorkGroup, the engine's <see cref="IQueryEngine.CheckHealthAsync"/>).
/// </summary>
internal static class AthenaChecks
{
    public const string InjectedParametersItem = "athena.injected-params";
    public const string WorkGroupItem = "athena.workgroup";

    /// <summary>The Athena items, each judged with <see cref="SmokeContext.Judge"/> as account-only.</summary>
    public static async Task<IReadOnlyList<SmokeItem>> RunAsync(SmokeContext context, SmokeJob? publishedRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var engine = context.Services.GetRequiredService<IQueryEngine>();
        SmokeObservation health;
        try
        {
            var answer = await engine.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
            health = answer.IsHealthy ? SmokeObservation.Pass($"GetWorkGroup: {answer.Description}") : SmokeObservation.Fail(answer.Description);
        }
        catch (Exception e) when (e is QueryFailedException or HttpRequestException or InvalidOperationException)
        {
            health = SmokeObservation.Fail(e.Message);
        }

        SmokeItem injected;
        if (publishedRun is null)
        {
            injected = SmokeItem.NotConfirmed(InjectedParametersItem, "no smoke run published, so there was nothing to query");
        }
        else
        {
            SmokeObservation observation;
            try
            {
                var metrics = await engine.GetMetricsAsync(publishedRun.RunId, cancellationToken).ConfigureAwait(false);
                observation = metrics.Models.Count == publishedRun.Parameters.HiddenSizes.Length
                    ? SmokeObservation.Pass($"the metrics query with ? for run_id and n_hidden IN (?, …) answered {metrics.Models.Count} models")
                    : SmokeObservation.Fail($"the metrics query answered {metrics.Models.Count} models of {publishedRun.Parameters.HiddenSizes.Length}");
            }
            catch (Exception e) when (e is QueryFailedException or InvalidDataException or RunNotPublishedException)
            {
                observation = SmokeObservation.Fail($"{e.Message} (if Athena refuses ? for an injected column, set OneOff:Aws:Athena:InlineValues=true)");
            }

            injected = context.Judge(InjectedParametersItem, accountOnly: true, observation);
        }

        return [injected, context.Judge(WorkGroupItem, accountOnly: true, health)];
    }
}
