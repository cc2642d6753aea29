using System.Globalization;
using Fleet.Device.Configuration;
using MQTTnet.Formatter;
using Fleet.Shared.Protocol;
using Fleet.Tests.Infrastructure;
using Fleet.Device.Uplink;

namespace Fleet.Tests.Device.Hosting;

/// <summary>The agent on MQTT 3.1.1 (<c>--mqtt-version 311</c>) against a real Mosquitto: reports, events, commands answered on cmd-result.</summary>
public sealed class AgentMqtt311Tests(MosquittoFixture broker) : IClassFixture<MosquittoFixture>
{
    [Fact]
    public async Task Agent_OnMqtt311_ReportsHealsAndAnswersCommandsOnCmdResultById()
    {
        var (options, problem) = DeviceOptionsLoader.Load(
            ["--simulate", "1", "--broker", $"{broker.Host}:{broker.Port.ToString(CultureInfo.InvariantCulture)}", "--mqtt-version", "311"], _ => null);
        Assert.Null(problem);
        var mqtt = options!.Mqtt();
        Assert.Equal(MqttProtocolVersion.V311, mqtt.ProtocolVersion);
        await using var agent = await AgentHarness.StartAsync(broker, deviceMqtt: mqtt);
        // Mosquitto logs the protocol of every connection: p2 is MQTT 3.1.1 (p5 would be MQTT 5).
        await agent.WaitAsync(() => BrokerLog().Contains($"as {agent.DeviceId} (p2", StringComparison.Ordinal), "the broker to log a 3.1.1 connection");

        var fault = await agent.CommandByIdAsync(CommandNames.InjectFault, "{\"fault\":\"bitflip:sign\"}");
        Assert.True(fault.Ok, fault.Error);
        var heal = await agent.WaitForEventAsync<HealEvent>(_ => true);
        var validation = await agent.CommandByIdAsync(CommandNames.Validate);

        Assert.Equal((Fleet.Shared.Health.Diagnosis.Hardware, HealOutcome.Healed), (heal.Diagnosis, heal.Outcome));
        Assert.True(validation.Ok);
        Assert.Equal("pass", validation.Result!.Value.GetProperty("verdict").GetString());
        Assert.Equal("1.0.0", agent.LastReport!.Model!.Version);
    }

    private string BrokerLog() => broker.Broker.Output + (File.Exists(broker.Broker.LogFile) ? File.ReadAllText(broker.Broker.LogFile) : "");
}
