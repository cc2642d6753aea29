using System.Net.Sockets;

namespace Fleet.Cli.Demo;

/// <summary>
/// Sends the demo's API calls (story, live line, incidents) to a live gateway node: requests are written against a
/// placeholder base address and go to the current node; when that node is dead or refuses the connection, the request
/// goes to the next live one. Any node serves the whole API, so the story goes on when a node is killed.
/// </summary>
internal sealed class FailoverHandler(IReadOnlyList<DemoNode> nodes) : DelegatingHandler(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) })
{
    /// <summary>What the demo's failover client's requests are written against.</summary>
    public static readonly Uri Placeholder = new("http://fleet-demo-nodes/");

    private int _current;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var pathAndQuery = request.RequestUri!.PathAndQuery;
        for (var attempt = 0; ; attempt++)
        {
            var index = Volatile.Read(ref _current);
            var node = nodes[index % nodes.Count];
            if (!node.Alive)
            {
                if (attempt >= nodes.Count || !nodes.Any(n => n.Alive))
                {
                    throw new HttpRequestException("no gateway node of the demo is alive");
                }

                Interlocked.CompareExchange(ref _current, (index + 1) % nodes.Count, index);
                continue;
            }

            request.RequestUri = new Uri(new Uri(node.Url), pathAndQuery);
            try
            {
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (attempt < nodes.Count
                && (!node.Alive || request.Method == HttpMethod.Get || ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused }))
            {
                // That node died (or is going; a read is safe to ask again anywhere): the next live one answers for the whole fleet.
                Interlocked.CompareExchange(ref _current, (index + 1) % nodes.Count, index);
            }
        }
    }
}
