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

        // Node-local: ready when this node is an Up cluster member, every shard session it holds is connected and no
        // shard is held, and (for a node with no Up peer) it holds every shard's session; 503 otherwise. A shard whose
        // session is down is not being supervised; a held shard's messages wait for a store write that keeps failing,
        // and `held` says which and why. Which node holds which shard is the cluster's choice (GET /api/v1/cluster).
        health.MapGet("/ready", (EmbeddedBroker broker, FleetRuntime runtime, GatewayOptions options) =>
        {
            var hosted = runtime.LocalShards;
            var connected = runtime.ConnectedShards;
            var held = runtime.HeldShards;
            var up = Akka.Cluster.Cluster.Get(runtime.System).SelfMember.Status == Akka.Cluster.MemberStatus.Up;
            var alone = runtime.OtherNodesUp == 0;
            var reasons = new List<string>();
            if (!up)
            {
                reasons.Add($"this node is {Akka.Cluster.Cluster.Get(runtime.System).SelfMember.Status}, not an Up member of the cluster");
            }

            if (!broker.IsRunning)
            {
                reasons.Add($"the managed broker on port {broker.Port} is down; the gateway is restarting it");
            }

            if (connected < hosted.Count)
            {
                reasons.Add($"{hosted.Count - connected} of the {hosted.Count} shard sessions this node holds are not connected to the {(broker.IsManaged ? "managed" : "external")} broker at {broker.Host}:{broker.Port}: their devices' messages are not received");
            }

            if (alone && hosted.Count < options.ShardCount)
            {
                reasons.Add($"{options.ShardCount - hosted.Count} of {options.ShardCount} shard sessions are not started yet and no other node is up to hold them");
            }

            if (held.Count > 0)
            {
                reasons.Add($"{held.Count} shard(s) held: a message could not be stored yet and is redelivered with backoff (shards.held says which and why)");
            }

            var ready = reasons.Count == 0;
            return Results.Json(
                new
                {
                    status = ready ? "ready" : "degraded",
                    reasons,
                    node = runtime.Node,
                    broker = new { host = broker.Host, port = broker.Port, managed = broker.IsManaged, running = broker.IsRunning, authentication = broker.AuthFiles is not null },
                    store = new { dialect = runtime.Store.Schema.Dialect, version = runtime.Store.Schema.Version },
                    shards = new
                    {
                        hosted,
                        connected,
                        total = options.ShardCount,
                        held = held.Select(h => new { shard = h.Shard, since = h.Since, failures = h.Failures, reason = h.Reason }),
                        takenOver = runtime.TakenOverShards,
                    },
                },
                statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
    }
}
