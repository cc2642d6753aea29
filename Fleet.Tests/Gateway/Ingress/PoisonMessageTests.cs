using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fleet.Gateway;
using Fleet.Gateway.Broker;
using Fleet.Gateway.Hosting;
using Fleet.Gateway.Store;
using Fleet.Shared.Messaging;
using Fleet.Shared.Protocol;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;

namespace Fleet.Tests.Gateway.Ingress;

/// <summary>
/// The poison-message policy: a message that fails for a reason that does not go away is acknowledged and listed in
/// the rejected-messages log, so it never holds its shard; only a store that may come back holds the shard, visibly.
/// </summary>
public sealed class PoisonMessageTests : IAsyncLifetime
{
    /// <summary>"Within seconds": bounded generously for a loaded machine, far below the 30 s acknowledge timeout a held message waits out.</summary>
    private static readonly TimeSpan WithinSeconds = TimeSpan.FromSeconds(20);

    private readonly StoreFaults _faults = new();
    private GatewayHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await GatewayHost.StartWithAsync(
            services => services.AddSingleton<FleetStoreDecorator>(store => new FaultyFleetStore(store, _faults)),
            "--Fleet:Durability:WriteAttempts", "2",
            "--Fleet:Durability:RetryDelay", "00:00:00.020",
            "--Fleet:Durability:MaxRetryDelay", "00:00:00.050",
            "--Fleet:Durability:RedeliveryDelay", "00:00:00.200",
            "--Fleet:Durability:MaxRedeliveryDelay", "00:00:01");
        _host.KeepDataDirectory = true;
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        try
        {
            Directory.Delete(_host.DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    private int BrokerPort => _host.Services.GetRequiredService<EmbeddedBroker>().Port;

    [Fact]
    public async Task PoisonMessagesOnAShard_AreAcknowledgedAndListed_ANewDeviceOnTheShardRegistersWithinSeconds_AndARestartComesUpReady()
    {
        const int shard = 17;
        var ids = DevicesOnShard(shard, 3);
        var (poisoner, refused, broken) = (ids[0], ids[1], ids[2]);
        _faults.RefuseHeal("refused-by-store");
        _faults.BreakHeal("breaks-the-twin");
        using var device = await TestMqtt.ConnectAsync(new MqttConnectionSettings { Host = "127.0.0.1", Port = BrokerPort, ClientId = "poisoner-" + Guid.NewGuid().ToString("N")[..6] });

        var bigReport = "{\"v\":1,\"seq\":1,\"health\":\"healthy\",\"note\":\"" + new string('x', 300 * 1024) + "\"}";
        var longHealId = $$"""{"v":1,"seq":2,"type":"heal","id":"{{new string('h', 200)}}","diagnosis":"hardware","outcome":"healed"}""";
        var healWithoutRungs = """{"v":1,"seq":3,"type":"heal","id":"no-rungs","diagnosis":"hardware","outcome":"healed"}""";
        await PublishAsync(device, Topics.FromDevice(poisoner, TopicKind.Report), bigReport);
        await PublishAsync(device, Topics.FromDevice(poisoner, TopicKind.Events), longHealId);
        await PublishAsync(device, Topics.FromDevice(poisoner, TopicKind.Events), healWithoutRungs);
        await PublishAsync(device, Topics.FromDevice(poisoner, TopicKind.Status), "hello world");
        await PublishAsync(device, Topics.FromDevice(refused, TopicKind.Events), """{"v":1,"seq":1,"type":"heal","id":"refused-by-store","diagnosis":"hardware","outcome":"healed"}""");
        await PublishAsync(device, Topics.FromDevice(broken, TopicKind.Events), """{"v":1,"seq":1,"type":"heal","id":"breaks-the-twin","diagnosis":"hardware","outcome":"healed"}""");
        await PublishAsync(device, $"fleet/v1/s/{shard}/not a device/status", """{"v":1,"state":"online"}""");

        // Behind all of them on the same shard: a valid status from a device never seen before.
        var newcomer = DevicesOnShard(shard, 4)[3];
        await PublishAsync(device, Topics.FromDevice(newcomer, TopicKind.Status), """{"v":1,"seq":1,"state":"online"}""");

        using var reader = _host.Client(_host.ReaderToken);
        await Eventually.TrueAsync(async () => (await reader.GetAsync($"/api/v1/devices/{newcomer}")).StatusCode == HttpStatusCode.OK, "the new device registered", WithinSeconds);

        var listed = await Eventually.ValueAsync<string>(async () =>
        {
            var page = await reader.GetFromJsonAsync<JsonElement>("/api/v1/rejections?limit=50");
            return page.GetProperty("items").GetArrayLength() >= 6 ? page.GetRawText() : null;
        }, "six rejections listed", WithinSeconds);
        var items = JsonDocument.Parse(listed).RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(6, items.Count);
        JsonElement Listed(string topic) => Assert.Single(items, i => i.GetProperty("topic").GetString() == topic);

        var report = Listed(Topics.FromDevice(poisoner, TopicKind.Report));
        Assert.Equal(("protocol", "report", poisoner), (report.GetProperty("cause").GetString(), report.GetProperty("kind").GetString(), report.GetProperty("device").GetString()));
        Assert.Contains("262144", report.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetByteCount(bigReport), report.GetProperty("size").GetInt32());
        Assert.StartsWith("""{"v":1,"seq":1,"health":"healthy","note":"xxx""", report.GetProperty("excerpt").GetString(), StringComparison.Ordinal);

        var events = items.Where(i => i.GetProperty("topic").GetString() == Topics.FromDevice(poisoner, TopicKind.Events)).ToList();
        var longId = Assert.Single(events);
        Assert.Equal("protocol", longId.GetProperty("cause").GetString());
        Assert.Contains("128", longId.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("protocol", Listed(Topics.FromDevice(poisoner, TopicKind.Status)).GetProperty("cause").GetString());
        var storeRefused = Listed(Topics.FromDevice(refused, TopicKind.Events));
        Assert.Equal("storeRefused", storeRefused.GetProperty("cause").GetString());
        Assert.Contains("injected store refusal", storeRefused.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var twinFailed = Listed(Topics.FromDevice(broken, TopicKind.Events));
        Assert.Equal("twinFailed", twinFailed.GetProperty("cause").GetString());
        Assert.Contains("injected fault", twinFailed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("topic", Listed($"fleet/v1/s/{shard}/not a device/status").GetProperty("cause").GetString());

        // The heal without rungs is valid per PROTOCOL and stored, not rejected.
        var poisonerDetail = await reader.GetFromJsonAsync<JsonElement>($"/api/v1/devices/{poisoner}");
        Assert.Equal("no-rungs", Assert.Single(poisonerDetail.GetProperty("heals").EnumerateArray()).GetProperty("id").GetString());

        var filtered = await reader.GetFromJsonAsync<JsonElement>($"/api/v1/rejections?device={refused}&cause=storeRefused");
        Assert.Single(filtered.GetProperty("items").EnumerateArray());
        Assert.Contains("fleet_rejections_total 6", await reader.GetStringAsync("/metrics"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/v1/health/ready")).StatusCode);

        // Nothing is left in the broker for the shard: a restart on the same data comes up ready, the log intact.
        await _host.StopKeepingDataAsync();
        await using var restarted = await GatewayHost.StartInAsync(_host.DataDirectory);
        restarted.KeepDataDirectory = true;
        using var after = restarted.Client(restarted.ReaderToken);
        await Eventually.TrueAsync(async () => (await after.GetAsync("/api/v1/health/ready")).StatusCode == HttpStatusCode.OK, "the restarted gateway ready", WithinSeconds);
        var kept = await after.GetFromJsonAsync<JsonElement>("/api/v1/rejections");
        Assert.Equal(6, kept.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task AStoreOutage_HoldsTheShard_VisiblyInReadiness_AndNothingIsRejected()
    {
        var id = DevicesOnShard(5, 1)[0];
        await using var device = await TestDevice.ConnectAsync(BrokerPort, id);
        await device.StatusAsync();
        using var reader = _host.Client(_host.ReaderToken);
        await Eventually.TrueAsync(async () => (await reader.GetAsync($"/api/v1/devices/{id}")).StatusCode == HttpStatusCode.OK, "the device registered", WithinSeconds);

        _faults.Down();
        await device.HealAsync("during-outage", "healed");

        var held = await Eventually.ValueAsync<string>(async () =>
        {
            var response = await reader.GetAsync("/api/v1/health/ready");
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return response.StatusCode == HttpStatusCode.ServiceUnavailable && body.GetProperty("shards").GetProperty("held").GetArrayLength() == 1 ? body.GetRawText() : null;
        }, "readiness to show the held shard", WithinSeconds);
        var hold = JsonDocument.Parse(held).RootElement.GetProperty("shards").GetProperty("held")[0];
        Assert.Equal(5, hold.GetProperty("shard").GetInt32());
        Assert.Contains("injected store fault", hold.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var summary = await reader.GetFromJsonAsync<JsonElement>("/api/v1/fleet/summary");
        Assert.Equal(5, Assert.Single(summary.GetProperty("shardsHeld").EnumerateArray()).GetProperty("shard").GetInt32());

        _faults.Up();
        await Eventually.TrueAsync(async () =>
        {
            var detail = await reader.GetFromJsonAsync<JsonElement>($"/api/v1/devices/{id}");
            return detail.GetProperty("heals").GetArrayLength() == 1;
        }, "the held heal stored once the store is back", WithinSeconds);
        await Eventually.TrueAsync(async () => (await reader.GetAsync("/api/v1/health/ready")).StatusCode == HttpStatusCode.OK, "ready again", WithinSeconds);
        Assert.Empty((await reader.GetFromJsonAsync<JsonElement>("/api/v1/rejections")).GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("cause=gremlins", "cause")]
    [InlineData("kind=desired", "kind")]
    [InlineData("device=..%2F..", "device")]
    [InlineData("after=nope", "after")]
    public async Task Rejections_BadQuery_IsProblemJson400(string query, string field)
    {
        using var reader = _host.Client(_host.ReaderToken);
        var response = await reader.GetAsync("/api/v1/rejections?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(field, problem.GetRawText(), StringComparison.Ordinal);
    }

    private static List<string> DevicesOnShard(int shard, int count) =>
        [.. Enumerable.Range(0, int.MaxValue).Select(i => $"poison-{shard}-{i}").Where(id => Sharding.ShardOf(id) == shard).Take(count)];

    private static async Task PublishAsync(IMqttClient client, string topic, string payload)
    {
        var result = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(payload)).WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.False(result.IsRefused(), $"the broker refused {topic}: {result.ReasonCode}");
    }
}
