using System.Net;
using Fleet.Device.Hosting;
using Prometheus;

namespace Fleet.Device.Metrics;

/// <summary><c>GET http://*:PORT/metrics</c> in the Prometheus text format, served by prometheus-net's <see cref="MetricServer"/>.</summary>
internal sealed class MetricsEndpoint : IDisposable
{
    private readonly MetricServer _server;

    private MetricsEndpoint(MetricServer server) => _server = server;

    /// <summary>Listening on every interface (Prometheus scrapes from elsewhere), or why not (port taken, not permitted).</summary>
    public static (MetricsEndpoint? Endpoint, string? Problem) Start(int port, DeviceMetrics metrics, string hostname = "+")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        ArgumentNullException.ThrowIfNull(metrics);
        var server = new MetricServer(hostname, port, "metrics/", metrics.Registry);
        try
        {
            server.Start();
            return (new MetricsEndpoint(server), null);
        }
        catch (Exception ex) when (ex is HttpListenerException or InvalidOperationException && !ex.IsFatal())
        {
            server.Dispose();
            return (null, $"cannot serve metrics on port {port}: {ex.Message}");
        }
    }

    public void Dispose() => _server.Dispose();
}
