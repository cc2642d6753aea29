using Fleet.Gateway.Metrics;

namespace Fleet.Gateway.Api.Metrics;

/// <summary><c>GET /metrics</c> in Prometheus text format; unauthenticated like health probes, read-only.</summary>
internal static class MetricsEndpoints
{
    public static void MapMetrics(this IEndpointRouteBuilder app) =>
        app.MapGet("/metrics", async (MetricsRegistry registry, HttpContext context) =>
        {
            context.Response.ContentType = MetricsRegistry.ContentType;
            await registry.WriteAsync(context.Response.Body, context.RequestAborted);
        });
}
