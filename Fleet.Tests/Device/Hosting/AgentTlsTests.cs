using System.Globalization;
using Fleet.Device.Configuration;
using Fleet.Shared.Messaging;
using Fleet.Shared.Protocol;
using Fleet.Tests.Infrastructure;
using Fleet.Device.Uplink;

namespace Fleet.Tests.Device.Hosting;

/// <summary>The agent over TLS to a real Mosquitto, configured through its own options (<c>--ca</c>).</summary>
public sealed class AgentTlsTests(TlsMosquittoFixture broker) : IClassFixture<TlsMosquittoFixture>
{
    [Fact]
    public async Task Agent_WithTheFleetCa_ConnectsOverTls_ReportsAndHeals()
    {
        var (options, problem) = DeviceOptionsLoader.Load(
            ["--simulate", "1", "--broker", $"localhost:{broker.Port.ToString(CultureInfo.InvariantCulture)}", "--ca", broker.Certificates.CaFile], _ => null);
        Assert.Null(problem);
        var observer = new MqttConnectionSettings { Host = "localhost", Port = broker.Port, ClientId = "gw", Tls = new MqttTlsSettings { CaFile = broker.Certificates.CaFile } };
        await using var agent = await AgentHarness.StartAsync(broker, deviceMqtt: options!.Mqtt(), observerMqtt: observer);

        await AgentTransport.InjectBitFlipAndSeeItHealedAsync(agent);
    }
}

/// <summary>The agent over mutual TLS (<c>--ca --cert --key</c>) to a Mosquitto that requires client certificates.</summary>
public sealed class AgentMutualTlsTests(MutualTlsMosquittoFixture broker) : IClassFixture<MutualTlsMosquittoFixture>
{
    [Fact]
    public async Task Agent_WithItsClientCertificate_ConnectsOverMutualTls_ReportsAndHeals()
    {
        var certificates = broker.Certificates;
        var (options, problem) = DeviceOptionsLoader.Load(
            ["--simulate", "1", "--broker", $"localhost:{broker.Port.ToString(CultureInfo.InvariantCulture)}",
             "--ca", certificates.CaFile, "--cert", certificates.ClientCertFile, "--key", certificates.ClientKeyFile], _ => null);
        Assert.Null(problem);
        var tls = new MqttTlsSettings { CaFile = certificates.CaFile, CertificateFile = certificates.ClientCertFile, KeyFile = certificates.ClientKeyFile };
        await using var agent = await AgentHarness.StartAsync(broker, deviceMqtt: options!.Mqtt(), observerMqtt: new MqttConnectionSettings { Host = "localhost", Port = broker.Port, ClientId = "gw", Tls = tls });

        await AgentTransport.InjectBitFlipAndSeeItHealedAsync(agent);
    }

    [Fact]
    public void Options_WithACertificateButNoKey_AreRefused()
    {
        var (options, problem) = DeviceOptionsLoader.Load(["--simulate", "1", "--cert", broker.Certificates.ClientCertFile], _ => null);

        Assert.Null(options);
        Assert.Contains("--key", problem);
    }
}

internal static class AgentTransport
{
    public static async Task InjectBitFlipAndSeeItHealedAsync(AgentHarness agent)
    {
        Assert.Equal("1.0.0", agent.LastReport!.Model!.Version);
        var fault = await agent.CommandAsync(CommandNames.InjectFault, "{\"fault\":\"bitflip:exponent\"}");
        Assert.True(fault.Ok, fault.Error);
        var heal = await agent.WaitForEventAsync<HealEvent>(_ => true);
        Assert.Equal((Fleet.Shared.Health.Diagnosis.Hardware, HealOutcome.Healed), (heal.Diagnosis, heal.Outcome));
    }
}
