using System.Text;
using OneOff.Core.Compute;
using OneOff.Core.Runs;
using OneOff.Core.Storage;

namespace OneOff.Dashboard.Smoke;

/// <summary>The checks that need no cluster: S3 through the app's object store, EMR's ListClusters through its runner.</summary>
internal static class StoreAndClusterChecks
{
    public const string S3Item = "s3.prefix";
    public const string EmrListItem = "emr.list-clusters";

    /// <summary>
    /// Put, get, list and delete <c>{prefix}/smoke/{id}/probe.txt</c> through the app's <see cref="IObjectStore"/>:
    /// on AWS, S3 accepts the app's signature and the control plane's role may write, read, list and delete under
    /// the deployment's prefix (what the dashboard and the job bundle's upload do).
    /// </summary>
    public static async Task<SmokeItem> S3Async(SmokeContext context, CancellationToken cancellationToken)
    {
        var key = context.SmokePrefix + "probe.txt";
        var where = $"{context.Store.Root}/{key}";
        context.Progress($"S3: put, get, list and delete {where}");
        var content = Encoding.UTF8.GetBytes($"OneOff smoke run {context.SmokeId}: a probe of the control plane's S3 access; deleted at once.\n");
        var step = "put";
        try
        {
            await context.Store.PutAsync(key, content, cancellationToken).ConfigureAwait(false);
            step = "get";
            var back = await context.Store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (!back.AsSpan().SequenceEqual(content))
            {
                return context.Judge(S3Item, accountOnly: true, SmokeObservation.Fail($"{where} read back {back.Length} bytes that differ from the {content.Length} written"));
            }

            step = "list";
            var listed = false;
            await foreach (var found in context.Store.ListAsync(context.SmokePrefix, cancellationToken).ConfigureAwait(false))
            {
                listed |= found == key;
            }

            if (!listed)
            {
                return context.Judge(S3Item, accountOnly: true, SmokeObservation.Fail($"listing {context.Store.Root}/{context.SmokePrefix} did not show the object just written"));
            }

            step = "delete";
            await context.Store.DeletePrefixAsync(context.SmokePrefix, cancellationToken).ConfigureAwait(false);
            if (await context.Store.ExistsAsync(key, cancellationToken).ConfigureAwait(false))
            {
                return context.Judge(S3Item, accountOnly: true, SmokeObservation.Fail($"{where} still exists after its delete"));
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return context.Judge(S3Item, accountOnly: true, SmokeObservation.Fail($"{step} of {where} failed: {e.Message}"));
        }

        return context.Judge(S3Item, accountOnly: true, SmokeObservation.Pass($"put, got, listed and deleted {where}"));
    }

    /// <summary>
    /// The runner's search for a run's cluster by its submission tag (ListClusters of the active clusters, every
    /// page, as at a restart), for a run that has none: on AWS, EMR accepts the signature and the role may list.
    /// </summary>
    public static async Task<SmokeItem> EmrListAsync(SmokeContext context, CancellationToken cancellationToken)
    {
        context.Progress("EMR: ListClusters through the runner's search for a submission");
        var probe = new JobRequest(new RunParameters { RunId = $"{context.SmokeId}-probe" });
        try
        {
            var found = await context.Runner.FindStartedAsync(probe, cancellationToken).ConfigureAwait(false);
            if (found is not null)
            {
                await found.DisposeAsync().ConfigureAwait(false);
                return context.Judge(EmrListItem, accountOnly: true, SmokeObservation.Fail($"a cluster claims the smoke run's fresh submission {probe.SubmissionKey}: {found.Handle}"));
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return context.Judge(EmrListItem, accountOnly: true, SmokeObservation.Fail($"ListClusters failed: {e.Message}"));
        }

        return context.Judge(EmrListItem, accountOnly: true, SmokeObservation.Pass("ListClusters of the active clusters answered (every page), and none is tagged with a fresh submission"));
    }

    /// <summary>Removes the smoke run's objects: its runs' outputs and its <c>smoke/{id}/</c> folder; how many went.</summary>
    public static async Task<int> CleanUpAsync(SmokeContext context, IEnumerable<string> runIds, CancellationToken cancellationToken)
    {
        var removed = await context.Store.DeletePrefixAsync(context.SmokePrefix, cancellationToken).ConfigureAwait(false);
        foreach (var runId in runIds)
        {
            removed += await context.Store.DeletePrefixAsync(RunKeys.Run(runId), cancellationToken).ConfigureAwait(false);
        }

        return removed;
    }
}
