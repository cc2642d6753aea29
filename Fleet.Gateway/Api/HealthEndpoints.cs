using Fleet.Gateway.Broker;

namespace Fleet.Gateway.Api;

/// <summary>Liveness and readiness probes.</summary>
internal static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/api/v1/health");
        health.MapGet("/live", () => Results.Ok(new { status = "live" }));
        health.MapGet("/ready", (EmbeddedBroker broker) => Results.Ok(new
        {
            status = "ready",
            broker = new { host = broker.Host, port = broker.Port, managed = broker.IsManaged },
        }));
    }
}
