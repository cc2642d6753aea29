using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Tests.Gateway.Infrastructure;

namespace Fleet.Tests.EndToEnd;

/// <summary>
/// The real device agent (fleet-device --simulate, a separate process with real ONNX Runtime) against the
/// real gateway (managed Mosquitto, SQLite): devices appear as twins, desired state and commands round-trip,
/// and an injected bit flip is healed on the device and recorded in the gateway's heal log.
/// </summary>
public sealed class RealDeviceAgentTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>, IAsyncLifetime
{
    private const int Devices = 3;
    private readonly string _prefix = "e2e" + Guid.NewGuid().ToString("N")[..4];
    private AgentProcess _agent = null!;

    private string DeviceId(int i) => AgentProcess.DeviceId(_prefix, i);

    public async Task InitializeAsync()
    {
        _agent = await AgentProcess.SimulatedAsync(gateway.Reader, gateway.BrokerPort, _prefix, Devices, "--fps", "20", "--window", "100");
        _agent.Start();
    }

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    [Fact]
    public async Task RealAgents_BecomeTwins_ApplyDesiredState_AnswerCommands_AndReportHeals()
    {
        for (var i = 1; i <= Devices; i++)
        {
            var detail = await DeviceWhenAsync(DeviceId(i), AgentProbe.OnlineWithVocoder, "device online with the vocoder");
            Assert.Equal("healthy", AgentProbe.Twin(detail)!.Value.GetProperty("reported").GetProperty("health").GetString());
        }

        var target = DeviceId(1);
        var current = (await gateway.Reader.GetFromJsonAsync<JsonElement>($"/api/v1/devices/{target}")).GetProperty("twin").GetProperty("desiredVersion").GetInt32();
        var put = await gateway.Operator.PutAsJsonAsync($"/api/v1/devices/{target}/desired", new { expectedVersion = current, thresholds = new { klMax = 0.9 } });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        var version = (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32();
        await DeviceWhenAsync(target, d => AgentProbe.ReportedDesired(d, version), "desired thresholds applied");

        var command = await gateway.Operator.PostAsJsonAsync($"/api/v1/devices/{target}/commands", new { name = "validate", timeoutSeconds = 30 });
        var answer = await command.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(command.IsSuccessStatusCode, answer.GetRawText());

        var flipped = DeviceId(2);
        var inject = await gateway.Operator.PostAsJsonAsync($"/api/v1/devices/{flipped}/commands",
            new { name = "injectFault", args = new { fault = "bitflip:exponent" }, timeoutSeconds = 30 });
        Assert.True(inject.IsSuccessStatusCode, await inject.Content.ReadAsStringAsync());
        var healed = await DeviceWhenAsync(flipped, d => d.GetProperty("heals").GetArrayLength() > 0, "a heal event from the device");
        var heal = healed.GetProperty("heals")[0];
        Assert.Equal("hardware", heal.GetProperty("diagnosis").GetString());
        Assert.Equal("healed", heal.GetProperty("outcome").GetString());
    }

    private Task<JsonElement> DeviceWhenAsync(string id, Func<JsonElement, bool> condition, string what) =>
        AgentProbe.DeviceWhenAsync(gateway.Reader, _agent, id, condition, what);
}
