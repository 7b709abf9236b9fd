using System.Runtime.CompilerServices;

namespace OneOff.Aws.Clients;

/// <summary>Follows an operation's pagination token (EMR's <c>Marker</c>) until the service returns none.</summary>
internal static class AwsPaging
{
    public static async IAsyncEnumerable<TItem> AllAsync<TRequest, TResponse, TItem>(
        TRequest first,
        Func<TRequest, CancellationToken, Task<TResponse>> call,
        Func<TResponse, IEnumerable<TItem>?> items,
        Func<TResponse, string?> nextToken,
        Func<TRequest, string, TRequest> withToken,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(first);
        var request = first;
        while (true)
        {
            var response = await call(request, cancellationToken).ConfigureAwait(false);
            foreach (var item in items(response) ?? [])
            {
                yield return item;
            }

            if (nextToken(response) is not { Length: > 0 } token)
            {
                yield break;
            }

            request = withToken(request, token);
        }
    }
}
