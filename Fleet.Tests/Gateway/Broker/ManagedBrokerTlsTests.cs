using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Gateway.Broker;
using Fleet.Shared.Messaging;
using Fleet.Shared.Protocol;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Tests.Gateway.Broker;

/// <summary>The managed broker's mutual-TLS listener: devices provisioned with a fleet CA certificate connect and are confined by the ACL.</summary>
public sealed class ManagedBrokerTlsTests : IAsyncLifetime
{
    private GatewayHost _gateway = null!;
    private HttpClient _operator = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHost.StartAsync("--Fleet:BrokerAuthentication", "true", "--Fleet:BrokerTls:Enabled", "true");
        _operator = _gateway.Client(_gateway.OperatorToken);
    }

    public async Task DisposeAsync()
    {
        _operator.Dispose();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task CertificateDevice_ConnectsOverMutualTls_AndAppearsAsATwin_WhileClientsWithoutOneAreRefused()
    {
        var broker = _gateway.Services.GetRequiredService<EmbeddedBroker>();
        Assert.NotNull(broker.TlsPort);
        var provisioned = await _operator.PostAsync("/api/v1/devices/tls-pi-1/provision?credentials=certificate", null);
        Assert.Equal(HttpStatusCode.Created, provisioned.StatusCode);
        var bundle = await provisioned.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(broker.TlsPort, bundle.GetProperty("config").GetProperty("brokerPort").GetInt32());
        Assert.True(bundle.GetProperty("config").GetProperty("tls").GetBoolean());
        var files = WriteCredentials(bundle);

        using var device = await TestMqtt.ConnectAsync(Settings(broker.TlsPort.Value, "tls-pi-1", files.Tls(withCertificate: true)));
        var report = await TestMqtt.PublishAsync(device, Topics.FromDevice("tls-pi-1", TopicKind.Report),
            """{"v":1,"seq":1,"health":"healthy","model":{"id":"m","version":"3.1.0","source":"active"}}""", retain: true);
        Assert.False(report.IsRefused(), report.ReasonCode.ToString());
        var foreign = await TestMqtt.PublishAsync(device, Topics.FromDevice("tls-pi-2", TopicKind.Status), """{"v":1,"seq":1,"state":"online"}""");
        Assert.True(foreign.IsRefused(), "the ACL confines the certificate's CN to its own topics");

        using var reader = _gateway.Client(_gateway.ReaderToken);
        await Eventually.TrueAsync(async () => (await reader.GetAsync("/api/v1/devices/tls-pi-1")).StatusCode == HttpStatusCode.OK
            && (await reader.GetStringAsync("/api/v1/devices/tls-pi-1")).Contains("\"3.1.0\"", StringComparison.Ordinal), "the TLS device's report in its twin");

        // Without a client certificate the TLS listener refuses the connection.
        var anonymous = await TestMqtt.TryConnectAsync(Settings(broker.TlsPort.Value, "tls-anon", files.Tls(withCertificate: false)));
        Assert.True(anonymous.Client is null, "a client without a certificate must not connect");
    }

    private static MqttConnectionSettings Settings(int port, string clientId, MqttTlsSettings tls) => new() { Host = "127.0.0.1", Port = port, ClientId = clientId, Tls = tls };

    private CredentialFiles WriteCredentials(JsonElement bundle)
    {
        Assert.Equal("certificate", bundle.GetProperty("credentials").GetString());
        var config = bundle.GetProperty("config");
        var content = bundle.GetProperty("files");
        var directory = Directory.CreateDirectory(Path.Combine(_gateway.DataDirectory, "bundle-tls")).FullName;
        var files = new CredentialFiles(Path.Combine(directory, "ca.crt"), Path.Combine(directory, "client.crt"), Path.Combine(directory, "client.key"));
        File.WriteAllText(files.Ca, content.GetProperty(config.GetProperty("caFile").GetString()!).GetString());
        File.WriteAllText(files.Certificate, content.GetProperty(config.GetProperty("clientCertificate").GetString()!).GetString());
        File.WriteAllText(files.Key, content.GetProperty(config.GetProperty("clientKey").GetString()!).GetString());
        return files;
    }

    private sealed record CredentialFiles(string Ca, string Certificate, string Key)
    {
        /// <summary>The broker is verified against the fleet CA from the bundle (its certificate names 127.0.0.1).</summary>
        public MqttTlsSettings Tls(bool withCertificate) => new()
        {
            CaFile = Ca,
            CertificateFile = withCertificate ? Certificate : null,
            KeyFile = withCertificate ? Key : null,
        };
    }
}
