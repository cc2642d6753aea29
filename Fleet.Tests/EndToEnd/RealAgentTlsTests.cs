using System.Text.Json;
using Fleet.Gateway.Broker;
using Fleet.Tests.Cli;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Tests.EndToEnd;

/// <summary>
/// A real agent provisioned with a fleet CA client certificate joins through the gateway's managed broker over
/// mutual TLS (authenticated broker: no password, the certificate is its identity) and becomes a twin.
/// </summary>
public sealed class RealAgentTlsTests : IAsyncLifetime
{
    private const string Id = "tls-agent-1";
    private readonly string _data = Directory.CreateTempSubdirectory("fleet-e2e-tls-").FullName;
    private GatewayHost _gateway = null!;
    private AgentProcess? _agent;

    public async Task InitializeAsync() =>
        _gateway = await GatewayHost.StartAsync("--Fleet:BrokerAuthentication", "true", "--Fleet:BrokerTls:Enabled", "true");

    public async Task DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        await _gateway.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task AgentWithAFleetCertificate_JoinsOverTheManagedBrokersTlsListener_AndBecomesATwin()
    {
        // The operator's path: the CLI writes the bundle, the agent boots from its device.json alone.
        var bundle = Path.Combine(_data, "bundle");
        var run = await CliRunner.RunAsync(["devices", "provision", Id, "--certificate", "--out", bundle, "--url", _gateway.BaseAddress.ToString(), "--token", _gateway.OperatorToken]);
        Assert.True(run.ExitCode == 0, run.Error);
        var config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(bundle, "device.json"))).RootElement;
        Assert.True(config.GetProperty("tls").GetBoolean());
        Assert.Equal(_gateway.Services.GetRequiredService<EmbeddedBroker>().TlsPort, config.GetProperty("brokerPort").GetInt32());

        _agent = AgentProcess.Single("--config", Path.Combine(bundle, "device.json"), "--data", Path.Combine(_data, "device"), "--fps", "20", "--window", "100");
        _agent.Start();

        using var reader = _gateway.Client(_gateway.ReaderToken);
        var detail = await AgentProbe.DeviceWhenAsync(reader, _agent, Id, AgentProbe.OnlineWithVocoder, "online over TLS with the vocoder");
        Assert.Equal("certificate", detail.GetProperty("device").GetProperty("credentials").GetString());
    }
}
