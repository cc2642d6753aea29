using Fleet.Shared.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Prometheus;

namespace Fleet.Device.Metrics;

/// <summary>
/// <c>GET /metrics</c> in the Prometheus text format that prometheus-net writes
/// (<see cref="CollectorRegistry.CollectAndExportAsTextAsync(Stream, CancellationToken)"/>), one request per connection.
/// </summary>
/// <remarks>
/// Not prometheus-net's <c>MetricServer</c>: it runs on the managed <see cref="HttpListener"/>, whose <c>Start</c>
/// throws an unhandled <see cref="ArgumentNullException"/> when a connection is already waiting as it starts
/// (dotnet/corefx#35191; it crashed the agent in our end-to-end test while the test was polling the port) —
/// exactly what happens when a Prometheus server keeps scraping a restarting device. A scrape needs no more
/// HTTP than this: one request line, headers read and ignored, one response, the connection closed.
/// </remarks>
internal sealed class MetricsEndpoint : IDisposable
{
    private const int MaxRequestHeadBytes = 8192;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private readonly TcpListener _listener;
    private readonly CollectorRegistry _registry;
    private readonly CancellationTokenSource _stop = new();

    private MetricsEndpoint(TcpListener listener, CollectorRegistry registry)
    {
        _listener = listener;
        _registry = registry;
        _ = AcceptAsync(_stop.Token);
    }

    /// <summary>Listening on <paramref name="address"/> (default every IPv4 interface: Prometheus scrapes from elsewhere), or why not.</summary>
    public static (MetricsEndpoint? Endpoint, string? Problem) Start(int port, DeviceMetrics metrics, IPAddress? address = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        ArgumentNullException.ThrowIfNull(metrics);
        var listener = new TcpListener(address ?? IPAddress.Any, port);
        try
        {
            listener.Start();
            return (new MetricsEndpoint(listener, metrics.Registry), null);
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            return (null, $"cannot serve metrics on port {port}: {ex.Message}");
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // Stopped (a SocketException here is the listener closed under a pending accept).
                return;
            }

            _ = ServeAsync(client, cancellationToken);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken stopping)
    {
        using var _ = client;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            var stream = client.GetStream();
            var requestLine = await ReadRequestLineAsync(stream, timeout.Token).ConfigureAwait(false);
            var parts = requestLine?.Split(' ');
            var path = parts is { Length: 3 } ? parts[1].Split('?')[0] : null;
            if (parts is not { Length: 3 } || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
            {
                await RespondAsync(stream, "400 Bad Request", "text/plain", "bad request\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            }
            else if (path != "/metrics")
            {
                await RespondAsync(stream, "404 Not Found", "text/plain", "metrics are at /metrics\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            }
            else if (parts[0] is not ("GET" or "HEAD"))
            {
                await RespondAsync(stream, "405 Method Not Allowed", "text/plain", "GET only\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            }
            else
            {
                using var body = new MemoryStream();
                await _registry.CollectAndExportAsTextAsync(body, timeout.Token).ConfigureAwait(false);
                await RespondAsync(stream, "200 OK", "text/plain; version=0.0.4; charset=utf-8", parts[0] == "HEAD" ? null : body.ToArray(), timeout.Token, body.Length).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            // A client that goes away, stalls past the timeout or sends garbage costs only its own connection.
        }
    }

    /// <summary>The request line, once the whole request head has arrived; null when it does not within the limit.</summary>
    private static async Task<string?> ReadRequestLineAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var head = new byte[MaxRequestHeadBytes];
        var length = 0;
        while (length < head.Length)
        {
            var read = await stream.ReadAsync(head.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            length += read;
            var text = Encoding.ASCII.GetString(head, 0, length);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                return text[..text.IndexOf("\r\n", StringComparison.Ordinal)];
            }
        }

        return null;
    }

    private static async Task RespondAsync(NetworkStream stream, string status, string contentType, byte[]? body, CancellationToken cancellationToken, long? contentLength = null)
    {
        var head = string.Create(CultureInfo.InvariantCulture,
            $"HTTP/1.1 {status}\r\nContent-Type: {contentType}\r\nContent-Length: {contentLength ?? body?.Length ?? 0}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken).ConfigureAwait(false);
        if (body is not null)
        {
            await stream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
        }

        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
