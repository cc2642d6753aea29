using Fleet.Gateway.Api.Auth;
using Fleet.Gateway.Cluster;
using Fleet.Gateway.Hosting;

namespace Fleet.Gateway.Api.Cluster;

/// <summary>
/// <c>GET /api/v1/cluster</c>: the node that answers, the members as it sees them, and for each fleet shard the node
/// holding its ingress session and the node hosting its twins (<see cref="ClusterInspector"/>). Any node answers.
/// </summary>
internal static class ClusterEndpoints
{
    /// <summary>How long one member's shard region may take to say which shards it hosts.</summary>
    public static readonly TimeSpan RegionTimeout = TimeSpan.FromSeconds(3);

    public static void MapCluster(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/cluster", ReadAsync).RequireAuthorization(AuthSetup.Read);

    private static async Task<IResult> ReadAsync(FleetRuntime runtime, GatewayOptions options, MemberUpTimes upTimes, CancellationToken cancellationToken) =>
        Results.Ok(await ClusterInspector.ReadAsync(runtime.System, ClusterInspector.DaemonTypeName(FleetRuntime.IngressName), FleetRuntime.DeviceRegionName, options.ShardCount, upTimes, RegionTimeout, runtime.Time, cancellationToken).ConfigureAwait(false));
}
