using System.Net;
using System.Text.Json;
using Fleet.Shared.Servers;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Infrastructure;

namespace Fleet.Tests.Gateway.Broker;

/// <summary>
/// A gateway on an external broker (not its own Mosquitto) cannot restart it: when that broker dies, readiness turns
/// degraded (503) and says why, and it is ready again once the broker is back and the shard sessions have reconnected.
/// </summary>
public sealed class ExternalBrokerReadinessTests : IAsyncLifetime
{
    private MosquittoBroker _broker = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _broker = await MosquittoBroker.StartAsync(new MosquittoOptions { Persistence = true });
        _gateway = await GatewayHost.StartAsync("--Fleet:BrokerHost", "127.0.0.1", "--Fleet:BrokerPort", _broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _broker.DisposeAsync();
    }

    [Fact]
    public async Task ExternalBrokerDeath_MakesReadinessDegradedWithAReason_AndItsReturnMakesItReady()
    {
        using var client = _gateway.Client();
        var ready = await ReadinessWhenAsync(client, HttpStatusCode.OK, "ready on the external broker");
        Assert.False(ready.GetProperty("broker").GetProperty("managed").GetBoolean());
        Assert.Empty(ready.GetProperty("reasons").EnumerateArray());

        await _broker.KillAsync();
        var degraded = await ReadinessWhenAsync(client, HttpStatusCode.ServiceUnavailable, "degraded once the external broker is dead");
        Assert.Equal("degraded", degraded.GetProperty("status").GetString());
        var reason = Assert.Single(degraded.GetProperty("reasons").EnumerateArray()).GetString();
        Assert.Contains($"not connected to the external broker at 127.0.0.1:{_broker.Port}", reason, StringComparison.Ordinal);

        await _broker.RestartAsync();
        var back = await ReadinessWhenAsync(client, HttpStatusCode.OK, "ready again once the external broker is back");
        Assert.Equal(64, back.GetProperty("shards").GetProperty("connected").GetInt32());
    }

    private static async Task<JsonElement> ReadinessWhenAsync(HttpClient client, HttpStatusCode expected, string what)
    {
        var body = await Eventually.ValueAsync<string>(async () =>
        {
            using var response = await client.GetAsync("/api/v1/health/ready");
            return response.StatusCode == expected ? await response.Content.ReadAsStringAsync() : null;
        }, what, TimeSpan.FromSeconds(60));
        return JsonDocument.Parse(body).RootElement;
    }
}
