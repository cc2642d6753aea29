using System.Text.Json;
using Fleet.Tests.Cli;
using Fleet.Tests.Infrastructure;

namespace Fleet.Tests.EndToEnd;

/// <summary>
/// A real agent provisioned with a password, when the managed broker's TLS listener does not demand certificates: its
/// device.json names the TLS listener with the fleet CA and its login, and the agent joins from that file alone.
/// </summary>
public sealed class RealAgentPasswordTlsTests : IAsyncLifetime
{
    private const string Id = "pw-tls-agent-1";
    private readonly string _data = Directory.CreateTempSubdirectory("fleet-e2e-pwtls-").FullName;
    private GatewayHost _gateway = null!;
    private AgentProcess? _agent;

    public async Task InitializeAsync() =>
        _gateway = await GatewayHost.StartAsync("--Fleet:BrokerAuthentication", "true", "--Fleet:BrokerTls:Enabled", "true", "--Fleet:BrokerTls:RequireClientCertificate", "false");

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
    public async Task AgentWithAPassword_JoinsOverTheTlsListener_FromItsDeviceJsonAlone()
    {
        var bundle = Path.Combine(_data, "bundle");
        var run = await CliRunner.RunAsync(["devices", "provision", Id, "--out", bundle, "--url", _gateway.BaseAddress.ToString(), "--token", _gateway.OperatorToken]);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.DoesNotContain("plain listener", run.Error, StringComparison.Ordinal);
        var config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(bundle, "device.json"))).RootElement;
        Assert.Equal((true, "ca.crt", Id), (config.GetProperty("tls").GetBoolean(), config.GetProperty("caFile").GetString(), config.GetProperty("username").GetString()));
        Assert.False(config.TryGetProperty("clientCertificate", out _));

        _agent = AgentProcess.Single("--config", Path.Combine(bundle, "device.json"), "--data", Path.Combine(_data, "device"), "--fps", "20", "--window", "100");
        _agent.Start();

        using var reader = _gateway.Client(_gateway.ReaderToken);
        var detail = await AgentProbe.DeviceWhenAsync(reader, _agent, Id, AgentProbe.OnlineWithVocoder, "online over TLS with its password");
        Assert.Equal("password", detail.GetProperty("device").GetProperty("credentials").GetString());
    }
}
