using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Tests.Gateway.Infrastructure;

namespace Fleet.Tests.EndToEnd;

/// <summary>A desired edit made while the real agent is down reaches it when it starts again, and it reports it applied.</summary>
public sealed class RealAgentOfflineDesiredTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>, IAsyncLifetime
{
    private readonly string _prefix = "off" + Guid.NewGuid().ToString("N")[..4];
    private AgentProcess _agent = null!;

    public async Task InitializeAsync()
    {
        _agent = await AgentProcess.SimulatedAsync(gateway.Reader, gateway.BrokerPort, _prefix, 1, "--fps", "20", "--window", "100");
    }

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    [Fact]
    public async Task DesiredEditWhileTheAgentIsStopped_ReachesItAfterRestart_AndIsReportedApplied()
    {
        var id = AgentProcess.DeviceId(_prefix, 1);
        _agent.Start();
        await AgentProbe.DeviceWhenAsync(gateway.Reader, _agent, id, AgentProbe.OnlineWithVocoder, "online with the vocoder");

        await _agent.StopAsync();
        var offline = await AgentProbe.DeviceWhenAsync(gateway.Reader, _agent, id, d => AgentProbe.Twin(d) is { } t && !t.GetProperty("online").GetBoolean(), "offline after the agent stopped");
        var current = AgentProbe.Twin(offline)!.Value.GetProperty("desiredVersion").GetInt32();
        var put = await gateway.Operator.PutAsJsonAsync($"/api/v1/devices/{id}/desired", new { expectedVersion = current, thresholds = new { klMax = 0.9 } });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        var version = (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32();

        _agent.Start();

        var applied = await AgentProbe.DeviceWhenAsync(gateway.Reader, _agent, id,
            d => AgentProbe.ReportedDesired(d, version) && AgentProbe.Twin(d)!.Value.GetProperty("online").GetBoolean(), "the offline edit applied after restart");
        var twin = AgentProbe.Twin(applied)!.Value;
        Assert.False(twin.GetProperty("reported").TryGetProperty("cannotApply", out var refused) && refused.ValueKind == JsonValueKind.Object,
            "the device refused the edit: " + twin.GetProperty("reported").GetRawText());
        Assert.True(twin.GetProperty("delta").GetProperty("inSync").GetBoolean(), twin.GetRawText());
    }
}
