using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Tests.Gateway.Infrastructure;

namespace Fleet.Tests.EndToEnd;

/// <summary>
/// 20 real simulated devices on one model version; the same fault injected (over the command topic) into more than
/// half of them gives the same failure signature, the fleet supervisor raises an incident and orders the version
/// rolled back to its registry parent, and every device on the version receives that order.
/// </summary>
public sealed class RealAgentFleetIncidentTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>, IAsyncLifetime
{
    private const int Devices = 20;
    private const int Faulted = 12;
    private readonly string _prefix = "fi" + Guid.NewGuid().ToString("N")[..4];
    private AgentProcess _agent = null!;

    public async Task InitializeAsync()
    {
        _agent = await AgentProcess.SimulatedAsync(gateway.Reader, gateway.BrokerPort, _prefix, Devices, "--fps", "20", "--window", "100");
    }

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    [Fact]
    public async Task SameFaultOnMostOfAVersionsDevices_RaisesAFleetIncident_AndOrdersTheRollbackToEveryDevice()
    {
        // The agents run the factory vocoder 1.0.0; the registry knows it with a parent to roll back to.
        await gateway.PushModelAsync("vocoder", "0.9.0");
        await gateway.PushModelAsync("vocoder", "1.0.0", parent: "0.9.0");
        _agent.Start();
        var ids = Enumerable.Range(1, Devices).Select(i => AgentProcess.DeviceId(_prefix, i)).ToList();
        foreach (var id in ids)
        {
            await AgentProbe.DeviceWhenAsync(gateway.Reader, _agent, id, AgentProbe.OnlineWithVocoder, "online with the vocoder");
        }

        foreach (var id in ids.Take(Faulted))
        {
            var inject = await gateway.Operator.PostAsJsonAsync($"/api/v1/devices/{id}/commands",
                new { name = "injectFault", args = new { fault = "bitflip:exponent" }, timeoutSeconds = 30 });
            Assert.True(inject.IsSuccessStatusCode, $"{id}: {await inject.Content.ReadAsStringAsync()}\n{_agent.Log()}");
        }

        var incident = await Eventually.ValueAsync<string>(async () =>
        {
            _agent.ThrowIfExited();
            var list = await gateway.Reader.GetFromJsonAsync<JsonElement>("/api/v1/incidents");
            return list.GetProperty("items").EnumerateArray().FirstOrDefault(i => i.GetProperty("modelVersion").GetString() == "1.0.0") is { ValueKind: JsonValueKind.Object } found
                ? found.GetRawText() : null;
        }, "the fleet incident", AgentProbe.Timeout);
        var parsed = JsonDocument.Parse(incident).RootElement;
        Assert.Equal("hardware", parsed.GetProperty("diagnosis").GetString());
        Assert.Equal("vocoder", parsed.GetProperty("modelId").GetString());
        Assert.InRange(parsed.GetProperty("devices").GetInt32(), 10, Faulted);
        Assert.Equal("0.9.0", parsed.GetProperty("rollbackTo").GetString());
        Assert.Equal(Devices, parsed.GetProperty("rolledBackDevices").GetInt32());

        // Every device on the version, faulted or not, is ordered back and its agent answers the order (the
        // parent here is a stand-in artifact, so an agent may refuse to install it; either way it got it).
        foreach (var id in ids)
        {
            var ordered = await AgentProbe.DeviceWhenAsync(gateway.Reader, _agent, id, d => Desired(d)?.GetProperty("model").GetProperty("version").GetString() == "0.9.0", "the rollback order");
            var version = AgentProbe.Twin(ordered)!.Value.GetProperty("desiredVersion").GetInt32();
            Assert.True(Desired(ordered)!.Value.GetProperty("model").GetProperty("allowRollback").GetBoolean());
            await AgentProbe.DeviceWhenAsync(gateway.Reader, _agent, id, d => AgentProbe.ReportedDesired(d, version), "the agent's answer to the rollback order");
        }
    }

    private static JsonElement? Desired(JsonElement detail) =>
        AgentProbe.Twin(detail) is { } t && t.TryGetProperty("desired", out var desired) && desired.ValueKind == JsonValueKind.Object
            && desired.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.Object ? desired : null;
}
