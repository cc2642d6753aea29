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

/// <summary>The agent's own TLS settings (<c>--ca --cert --key</c>) refused where they must be: a broker certificate from another CA, and mutual TLS without a client certificate.</summary>
public sealed class AgentTlsRefusalTests(MutualTlsMosquittoFixture broker) : IClassFixture<MutualTlsMosquittoFixture>
{
    [Fact]
    public async Task AnotherCaThanTheBrokers_IsRefused_AsATlsFailure()
    {
        using var other = TestCertificates.Create();
        var certificates = broker.Certificates;
        var failure = await ConnectAsync(["--ca", other.CaFile, "--cert", certificates.ClientCertFile, "--key", certificates.ClientKeyFile]);

        Assert.Equal(MqttFailureKind.Tls, failure);
    }

    [Fact]
    public async Task NoClientCertificate_IsRefused_ByABrokerThatRequiresOne()
    {
        var failure = await ConnectAsync(["--ca", broker.Certificates.CaFile]);

        Assert.NotEqual(MqttFailureKind.None, failure);
    }

    /// <summary>Connects once with the settings the agent's uplink would use; returns how it failed (None when it connected).</summary>
    private async Task<MqttFailureKind> ConnectAsync(string[] tlsArguments)
    {
        var (options, problem) = DeviceOptionsLoader.Load(
            ["--simulate", "1", "--broker", $"localhost:{broker.Port.ToString(CultureInfo.InvariantCulture)}", .. tlsArguments], _ => null);
        Assert.Null(problem);
        using var client = new MQTTnet.MqttClientFactory().CreateMqttClient();
        try
        {
            var result = await client.ConnectAsync(MqttClientOptionsFactory.Create(options!.Mqtt() with { ClientId = "refused-" + Guid.NewGuid().ToString("N")[..6], Timeout = TimeSpan.FromSeconds(10) }));
            return result.ResultCode == MQTTnet.MqttClientConnectResultCode.Success ? MqttFailureKind.None : MqttFailureKind.Connection;
        }
        catch (Exception ex) when (MqttFailure.Classify(ex) != MqttFailureKind.None)
        {
            return MqttFailure.Classify(ex);
        }
    }
}
