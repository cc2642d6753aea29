using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Gateway.Events;
using Fleet.Gateway.Supervision;
using Fleet.Shared.Protocol;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Tests.Gateway.Cluster;

/// <summary>
/// Two real gateway nodes in one cluster (PostgreSQL, an external Mosquitto): either node describes the whole cluster
/// and where each shard lives, and either node's live stream carries changes made on the other.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TwoNodeViewTests(PostgresFixture postgres, MosquittoFixture mosquitto) : IClassFixture<MosquittoFixture>, IAsyncLifetime
{
    private GatewayPair _nodes = null!;

    public async Task InitializeAsync() => _nodes = await GatewayPair.StartAsync(postgres.ConnectionString, mosquitto.Broker);

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    [Fact]
    public async Task EitherNode_ListsBothMembers_AndAgreesWhereADevicesShardLives()
    {
        var id = "pair-" + Guid.NewGuid().ToString("N")[..8];
        var shard = Sharding.ShardOf(id, 64);
        await using var device = await TestDevice.ConnectAsync(mosquitto.Port, id);
        await device.StatusAsync();
        await device.ReportAsync(health: "healthy");

        using (var anonymous = _nodes.Second.Client())
        {
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/cluster")).StatusCode);
        }

        var views = new List<JsonElement>();
        foreach (var node in _nodes.Nodes)
        {
            using var reader = node.Client(node.ReaderToken);
            var view = await Eventually.ValueAsync<string>(async () =>
            {
                var body = await reader.GetFromJsonAsync<JsonElement>("/api/v1/cluster");
                return body.GetProperty("members").GetArrayLength() == 2 && body.GetProperty("shards")[shard].GetProperty("device").ValueKind == JsonValueKind.String
                    ? body.GetRawText() : null;
            }, "both members and the device's shard in the cluster view");
            views.Add(JsonDocument.Parse(view).RootElement);
        }

        var (first, second) = (views[0], views[1]);
        Assert.NotEqual(first.GetProperty("node").GetString(), second.GetProperty("node").GetString());
        foreach (var view in views)
        {
            var members = view.GetProperty("members").EnumerateArray().ToList();
            Assert.All(members, m => Assert.Equal(("up", true), (m.GetProperty("status").GetString(), m.GetProperty("reachable").GetBoolean())));
            Assert.Single(members, m => m.GetProperty("self").GetBoolean());
            Assert.Equal(view.GetProperty("node").GetString(), members.Single(m => m.GetProperty("self").GetBoolean()).GetProperty("address").GetString());

            // Node 0 started first: it is the oldest (where singletons run), age rank 1, and every member has an up time.
            var oldest = members.Single(m => m.GetProperty("oldest").GetBoolean());
            Assert.Equal(first.GetProperty("node").GetString(), oldest.GetProperty("address").GetString());
            Assert.Equal(1, oldest.GetProperty("ageRank").GetInt32());
            Assert.Equal(view.GetProperty("oldest").GetString(), oldest.GetProperty("address").GetString());
            Assert.Single(members, m => m.GetProperty("leader").GetBoolean());
            Assert.All(members, m => Assert.Equal(JsonValueKind.String, m.GetProperty("upSince").ValueKind));
            Assert.Equal("running", view.GetProperty("device").GetProperty("state").GetString());
            Assert.Equal(64, view.GetProperty("shards").GetArrayLength());
            var placement = view.GetProperty("shards")[shard];
            Assert.Equal(shard, placement.GetProperty("shard").GetInt32());
            Assert.True(placement.GetProperty("twins").GetInt32() >= 1);
        }

        Assert.Equal(first.GetProperty("shards")[shard].GetProperty("device").GetString(), second.GetProperty("shards")[shard].GetProperty("device").GetString());

        // The ingress map is the truth: once hand-offs settle, each shard's session is on the node the view names,
        // which holds it (FleetRuntime.LocalShards), and every shard is held by exactly one of the two.
        var runtimes = _nodes.Nodes.ToDictionary(n => Akka.Cluster.Cluster.Get(n.Services.GetRequiredService<Fleet.Gateway.Hosting.FleetRuntime>().System).SelfAddress.ToString(), n => n.Services.GetRequiredService<Fleet.Gateway.Hosting.FleetRuntime>());
        using var secondReader = _nodes.Second.Client(_nodes.Second.ReaderToken);
        await Eventually.TrueAsync(async () =>
        {
            var view = await secondReader.GetFromJsonAsync<JsonElement>("/api/v1/cluster");
            var named = view.GetProperty("shards").EnumerateArray().Select(s => (Shard: s.GetProperty("shard").GetInt32(), Node: s.GetProperty("ingress").GetString())).ToList();
            var held = runtimes.SelectMany(r => r.Value.LocalShards.Select(k => (Shard: k, Node: (string?)r.Key))).OrderBy(p => p.Shard).ToList();
            return view.GetProperty("ingress").GetProperty("state").GetString() == "running" && held.Count == 64 && named.SequenceEqual(held);
        }, "the cluster view's ingress map to match the sessions each node holds");
        Assert.Contains(first.GetProperty("shards")[shard].GetProperty("device").GetString(), new[] { first.GetProperty("node").GetString(), second.GetProperty("node").GetString() });
    }

    [Fact]
    public async Task ATwinOnOneNode_ReachesTheOtherNodesStreams_AndAWatchThereMakesTheTwinEmit()
    {
        var id = "pair-" + Guid.NewGuid().ToString("N")[..8];
        await using var device = await TestDevice.ConnectAsync(mosquitto.Port, id);
        await device.StatusAsync();
        await device.ReportAsync(health: "healthy");

        // Which node hosts the twin: the other one watches.
        using var firstReader = _nodes.First.Client(_nodes.First.ReaderToken);
        var cluster = JsonDocument.Parse(await Eventually.ValueAsync<string>(async () =>
        {
            var body = await firstReader.GetFromJsonAsync<JsonElement>("/api/v1/cluster");
            return body.GetProperty("members").GetArrayLength() == 2 && body.GetProperty("shards")[Sharding.ShardOf(id, 64)].GetProperty("device").ValueKind == JsonValueKind.String
                ? body.GetRawText() : null;
        }, "the device's shard placed")).RootElement;
        var hostAddress = cluster.GetProperty("shards")[Sharding.ShardOf(id, 64)].GetProperty("device").GetString();
        var host = hostAddress == cluster.GetProperty("node").GetString() ? _nodes.First : _nodes.Second;
        var viewer = ReferenceEquals(host, _nodes.First) ? _nodes.Second : _nodes.First;
        var hostFeed = host.Services.GetRequiredService<FleetEventFeed>();

        await using var fleetView = await SseStream.OpenAsync(viewer.BaseAddress, viewer.ReaderToken);
        await using var deviceView = await SseStream.OpenAsync(viewer.BaseAddress, viewer.ReaderToken, id);
        await Eventually.TrueAsync(() => hostFeed.Watches(id) && hostFeed.HasFleetListeners, "the twin's node to learn the other node's views");
        Assert.Equal(0, hostFeed.Subscribers);

        // A summary change on the host node appears on the viewer's fleet stream.
        await device.ReportAsync(health: "degraded", modelVersion: "3.1.0");
        var twin = await fleetView.NextAsync(e => e.Event == "twin" && e.Data.Contains(id, StringComparison.Ordinal) && e.Data.Contains("degraded", StringComparison.Ordinal), "the twin change from the other node");
        Assert.Contains("\"modelVersion\":\"3.1.0\"", twin.Data, StringComparison.Ordinal);

        // Telemetry makes the host's twin build metrics only because a view on the other node watches it.
        await device.TelemetryAsync(kl: 0.123);
        var metrics = await deviceView.NextAsync(e => e.Event == "metrics", "the device's metrics from the other node");
        Assert.Contains(id, metrics.Data, StringComparison.Ordinal);

        // An event published on the host node (the supervisor's) reaches the viewer once.
        var incident = new FleetIncident("inc-" + id, DateTimeOffset.UnixEpoch, "weightCorruption", "m", "9.9.9", 3, 4, 0.75, "none", null, 0);
        hostFeed.Publish(new IncidentRaised(incident));
        hostFeed.Publish(new TwinChanged("marker-" + id, 0, "healthy", true, "1.0.0", false, null));
        await fleetView.NextAsync(e => e.Event == "incident" && e.Data.Contains("inc-" + id, StringComparison.Ordinal), "the incident from the other node");
        var next = await fleetView.NextAsync(e => e.Event is "incident" or "twin" && e.Data.Contains("marker-" + id, StringComparison.Ordinal) || e.Data.Contains("inc-" + id, StringComparison.Ordinal), "the marker after the incident");
        Assert.Equal("twin", next.Event);
    }
}
