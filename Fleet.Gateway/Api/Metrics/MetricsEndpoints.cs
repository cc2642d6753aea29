using Fleet.Gateway.Metrics;

namespace Fleet.Gateway.Api.Metrics;

/// <summary><c>GET /metrics</c> in Prometheus text format; unauthenticated like health probes, read-only.</summary>
internal static class MetricsEndpoints
{
    public static void MapMetrics(this IEndpointRouteBuilder app) =>
        app.MapGet("/metrics", (MetricsRegistry registry) =>
            Results.Text(registry.Render(), "text/plain; version=0.0.4; charset=utf-8"));
}
