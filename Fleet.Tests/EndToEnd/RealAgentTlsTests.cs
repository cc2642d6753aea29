using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Gateway.Broker;
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
        using var operatorClient = _gateway.Client(_gateway.OperatorToken);
        var provisioned = await operatorClient.PostAsync($"/api/v1/devices/{Id}/provision?credentials=certificate", null);
        Assert.Equal(HttpStatusCode.Created, provisioned.StatusCode);
        var bundle = await provisioned.Content.ReadFromJsonAsync<JsonElement>();
        var credentials = bundle.GetProperty("credentials");
        var files = new Dictionary<string, string>
        {
            ["ca.crt"] = credentials.GetProperty("ca").GetString()!,
            ["client.crt"] = credentials.GetProperty("certificate").GetString()!,
            ["client.key"] = credentials.GetProperty("privateKey").GetString()!,
            ["fleet-key.pub.pem"] = bundle.GetProperty("fleetPublicKey").GetString()!,
        };
        foreach (var (name, content) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(_data, name), content);
        }

        var broker = bundle.GetProperty("broker");
        Assert.True(broker.GetProperty("tls").GetBoolean());
        Assert.Equal(_gateway.Services.GetRequiredService<EmbeddedBroker>().TlsPort, broker.GetProperty("port").GetInt32());
        _agent = AgentProcess.Single(
            "--device-id", Id, "--broker", $"{broker.GetProperty("host").GetString()}:{broker.GetProperty("port").GetInt32()}",
            "--data", Path.Combine(_data, "device"), "--fleet-key", Path.Combine(_data, "fleet-key.pub.pem"),
            "--ca", Path.Combine(_data, "ca.crt"), "--cert", Path.Combine(_data, "client.crt"), "--key", Path.Combine(_data, "client.key"),
            "--fps", "20", "--window", "100");
        _agent.Start();

        using var reader = _gateway.Client(_gateway.ReaderToken);
        var detail = await AgentProbe.DeviceWhenAsync(reader, _agent, Id, AgentProbe.OnlineWithVocoder, "online over TLS with the vocoder");
        Assert.Equal("certificate", detail.GetProperty("device").GetProperty("credentials").GetString());
    }
}
