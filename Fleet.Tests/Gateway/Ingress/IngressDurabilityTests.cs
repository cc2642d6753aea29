using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Gateway.Broker;
using Fleet.Gateway.Hosting;
using Fleet.Shared.Protocol;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Fleet.Gateway.Store;
using Fleet.Gateway;

namespace Fleet.Tests.Gateway.Ingress;

/// <summary>
/// Nothing acknowledged is lost: a gateway over the real SQLite store wrapped by <see cref="FaultyFleetStore"/>
/// leaves QoS 1 messages it could not store unacknowledged, the broker redelivers them on the reopened shard
/// session, and every event ends up in the store once writes succeed again.
/// </summary>
public sealed class IngressDurabilityTests : IAsyncLifetime
{
    private const int Heals = 12;
    private readonly StoreFaults _faults = new();
    private GatewayHost _host = null!;
    private HttpClient _reader = null!;

    public async Task InitializeAsync()
    {
        _host = await GatewayHost.StartWithAsync(
            services => services.AddSingleton<FleetStoreDecorator>(store => new FaultyFleetStore(store, _faults)),
            "--Fleet:Durability:WriteAttempts", "2",
            "--Fleet:Durability:RetryDelay", "00:00:00.020",
            "--Fleet:Durability:MaxRetryDelay", "00:00:00.050",
            "--Fleet:Durability:RedeliveryDelay", "00:00:00.100",
            "--Fleet:Durability:MaxRedeliveryDelay", "00:00:00.500");
        _reader = _host.Client(_host.ReaderToken);
    }

    public async Task DisposeAsync()
    {
        _reader.Dispose();
        await _host.DisposeAsync();
    }

    private int BrokerPort => _host.Services.GetRequiredService<EmbeddedBroker>().Port;

    private FleetRuntime Runtime => _host.Services.GetRequiredService<FleetRuntime>();

    [Fact]
    public async Task FailedStoreWrites_LeaveMessagesUnacknowledged_AndEveryEventIsStoredOnceWritesSucceed()
    {
        await using var device = await ConnectedDeviceAsync("faulty-writes");
        var unacknowledged = Runtime.Counters.Unacknowledged.Value;

        // Two tries per write: nine failed writes leave at least four messages unacknowledged in turn.
        // Insights are appended (not idempotent), so their stored order shows the redelivery kept the order and added no copy.
        var version = "9.9." + Guid.NewGuid().ToString("N")[..6];
        _faults.FailNext(9);
        for (var i = 1; i <= Heals; i++)
        {
            await device.HealAsync($"h-{i}", "healed");
            await device.PublishAsync(TopicKind.Events, Insight(version));
        }

        await device.ReportAsync(health: "degraded");

        var detail = await DeviceWhenAsync(device.Id, d => d.GetProperty("heals").GetArrayLength() == Heals
            && d.GetProperty("twin").GetProperty("reported").GetProperty("health").GetString() == "degraded", "every heal and the last report stored");
        Assert.Equal(9, _faults.Failed);
        Assert.True(Runtime.Counters.Unacknowledged.Value - unacknowledged >= 4, "the failed messages were left unacknowledged");
        Assert.Equal(Enumerable.Range(1, Heals).Select(i => $"h-{i}").Order(StringComparer.Ordinal),
            detail.GetProperty("heals").EnumerateArray().Select(h => h.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
        var metrics = await _reader.GetStringAsync("/metrics");
        Assert.Contains("fleet_ingest_unacknowledged_total", metrics, StringComparison.Ordinal);

        var insights = await Runtime.Store.Insights.ListByModelVersionAsync(version, 0, 100, CancellationToken.None);
        var seqs = insights.Select(i => JsonDocument.Parse(i.PayloadJson).RootElement.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(Heals, seqs.Count);
        Assert.Equal(seqs.Order(), seqs);
    }

    private static JsonObject Insight(string version) => new()
    {
        ["type"] = "insight",
        ["signature"] = $"vocoder/{version}/modelQuality",
        ["diagnosis"] = "modelQuality",
        ["modelVersion"] = version,
        ["kl"] = new JsonObject { ["windows"] = 5, ["mean"] = 0.31, ["max"] = 0.9, ["threshold"] = 0.2 },
        ["region"] = new JsonObject
        {
            ["samples"] = 25,
            ["centroid"] = new JsonArray(0.5),
            ["stdDev"] = new JsonArray(0.1),
            ["histogramMin"] = -1,
            ["histogramMax"] = 2,
            ["histograms"] = new JsonArray(new JsonArray(0, 25, 0, 0)),
        },
        ["outcome"] = "unhealable",
    };

    [Fact]
    public async Task StoreOutage_HoldsTheShardsMessagesUntilTheStoreRecovers_ThenEveryEventIsStored()
    {
        await using var device = await ConnectedDeviceAsync("outage");
        var unacknowledged = Runtime.Counters.Unacknowledged.Value;

        _faults.Down();
        for (var i = 1; i <= Heals; i++)
        {
            await device.HealAsync($"o-{i}", "healed");
        }

        await device.ReportAsync(health: "degraded");

        // The session keeps retrying with backoff while the store is down; nothing is stored, nothing acknowledged.
        await Eventually.TrueAsync(() => Runtime.Counters.Unacknowledged.Value - unacknowledged >= 3, "repeated redeliveries during the outage");
        var during = await _reader.GetFromJsonAsync<JsonElement>($"/api/v1/devices/{device.Id}");
        Assert.Equal(0, during.GetProperty("heals").GetArrayLength());

        _faults.Up();

        var detail = await DeviceWhenAsync(device.Id, d => d.GetProperty("heals").GetArrayLength() == Heals
            && d.GetProperty("twin").GetProperty("reported").GetProperty("health").GetString() == "degraded", "every heal and the last report stored");
        var stored = detail.GetProperty("heals").EnumerateArray().Select(h => h.GetProperty("id").GetString()!).ToList();
        Assert.Equal(Enumerable.Range(1, Heals).Select(i => $"o-{i}").Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
    }

    private async Task<TestDevice> ConnectedDeviceAsync(string prefix)
    {
        var device = await TestDevice.ConnectAsync(BrokerPort, prefix + "-" + Guid.NewGuid().ToString("N")[..6]);
        await device.StatusAsync();
        await device.ReportAsync();
        await DeviceWhenAsync(device.Id, d => d.GetProperty("twin").GetProperty("reported").ValueKind == JsonValueKind.Object, "the first report stored");
        return device;
    }

    private async Task<JsonElement> DeviceWhenAsync(string id, Func<JsonElement, bool> condition, string what)
    {
        var found = await Eventually.ValueAsync<string>(async () =>
        {
            var response = await _reader.GetAsync($"/api/v1/devices/{id}");
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return condition(body) ? body.GetRawText() : null;
        }, what, TimeSpan.FromSeconds(60));
        return JsonDocument.Parse(found).RootElement;
    }
}
