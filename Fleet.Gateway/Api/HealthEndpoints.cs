using Fleet.Gateway.Broker;
using Fleet.Gateway.Hosting;
using Fleet.Gateway.Store;

namespace Fleet.Gateway.Api;

/// <summary>Liveness and readiness probes.</summary>
internal static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/api/v1/health");
        health.MapGet("/live", () => Results.Ok(new { status = "live" }));

        // Ready when the store is open, every shard's ingress session is connected and no shard is held; 503
        // otherwise (a shard whose session is down is not being supervised; a held shard's messages wait for a
        // store write that keeps failing, and `held` says which and why).
        health.MapGet("/ready", (EmbeddedBroker broker, FleetRuntime runtime, GatewayOptions options) =>
        {
            var shards = runtime.ConnectedShards;
            var held = runtime.HeldShards;
            var ready = shards == options.ShardCount && held.Count == 0 && broker.IsRunning;
            var reasons = new List<string>();
            if (!broker.IsRunning)
            {
                reasons.Add($"the managed broker on port {broker.Port} is down; the gateway is restarting it");
            }

            if (shards < options.ShardCount)
            {
                reasons.Add($"{options.ShardCount - shards} of {options.ShardCount} shard sessions are not connected to the {(broker.IsManaged ? "managed" : "external")} broker at {broker.Host}:{broker.Port}: their devices' messages are not received");
            }

            if (held.Count > 0)
            {
                reasons.Add($"{held.Count} shard(s) held: a message could not be stored yet and is redelivered with backoff (shards.held says which and why)");
            }

            return Results.Json(
                new
                {
                    status = ready ? "ready" : "degraded",
                    reasons,
                    broker = new { host = broker.Host, port = broker.Port, managed = broker.IsManaged, running = broker.IsRunning, authentication = broker.AuthFiles is not null },
                    store = new { dialect = runtime.Store.Schema.Dialect, version = runtime.Store.Schema.Version },
                    shards = new
                    {
                        connected = shards,
                        total = options.ShardCount,
                        held = held.Select(h => new { shard = h.Shard, since = h.Since, failures = h.Failures, reason = h.Reason }),
                        takenOver = runtime.TakenOverShards,
                    },
                },
                statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
    }
}
