namespace OneOff.Dashboard.Smoke;

/// <summary>
/// Athena's account-only items (ARCHITECTURE "Athena"): whether Athena takes a <c>?</c> for an injected
/// projection column (else <c>OneOff:Aws:Athena:InlineValues</c>), and the workgroup <c>/healthz</c> reads with
/// GetWorkGroup. The engine is not in this build yet.
/// </summary>
internal static class AthenaChecks
{
    public const string InjectedParametersItem = "athena.injected-params";
    public const string WorkGroupItem = "athena.workgroup";

    /// <summary>
    /// The Athena items. To fill in when <c>AthenaQueryEngine</c> lands: run one catalog query of the smoke run's
    /// published run through the app's <c>IQueryEngine</c> (its <c>?</c> on <c>run_id</c> and <c>n_hidden</c>) and
    /// <c>CheckHealthAsync</c> (GetWorkGroup), each judged with <see cref="SmokeContext.Judge"/>, accountOnly: true.
    /// </summary>
    public static Task<IReadOnlyList<SmokeItem>> RunAsync(SmokeContext context, SmokeJob? publishedRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        _ = publishedRun;
        cancellationToken.ThrowIfCancellationRequested();
        const string Why = "the Athena engine is not in this build";
        return Task.FromResult<IReadOnlyList<SmokeItem>>(
        [
            SmokeItem.NotCheckable(InjectedParametersItem, Why),
            SmokeItem.NotCheckable(WorkGroupItem, Why),
        ]);
    }
}
