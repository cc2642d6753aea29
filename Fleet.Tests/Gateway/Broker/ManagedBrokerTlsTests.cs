using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fleet.Gateway.Broker;
using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Channel;
using Fleet.Shared.Mqtt.Packets;
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
        Assert.Equal(broker.TlsPort, bundle.GetProperty("broker").GetProperty("port").GetInt32());
        Assert.True(bundle.GetProperty("broker").GetProperty("tls").GetBoolean());
        var files = WriteCredentials(bundle.GetProperty("credentials"));

        await using var device = new MqttClient(new MqttClientOptions { Port = broker.TlsPort.Value, ClientId = "tls-pi-1", Tls = files.Tls(withCertificate: true) });
        var connected = await device.ConnectAsync();
        Assert.True(connected.IsSuccess, connected.ResultCode.ToString());
        var report = await device.PublishAsync(new MqttApplicationMessage(Topics.FromDevice("tls-pi-1", TopicKind.Report),
            Encoding.UTF8.GetBytes("""{"v":1,"seq":1,"health":"healthy","model":{"id":"m","version":"3.1.0","source":"active"}}""")) { QualityOfService = MqttQualityOfService.AtLeastOnce, Retain = true });
        Assert.True(report.IsSuccess, report.ReasonCode.ToString());
        var foreign = await device.PublishAsync(new MqttApplicationMessage(Topics.FromDevice("tls-pi-2", TopicKind.Status),
            Encoding.UTF8.GetBytes("""{"v":1,"seq":1,"state":"online"}""")) { QualityOfService = MqttQualityOfService.AtLeastOnce });
        Assert.False(foreign.IsSuccess, "the ACL confines the certificate's CN to its own topics");

        using var reader = _gateway.Client(_gateway.ReaderToken);
        await Eventually.TrueAsync(async () => (await reader.GetAsync("/api/v1/devices/tls-pi-1")).StatusCode == HttpStatusCode.OK
            && (await reader.GetStringAsync("/api/v1/devices/tls-pi-1")).Contains("\"3.1.0\"", StringComparison.Ordinal), "the TLS device's report in its twin");

        // Without a client certificate the TLS listener refuses the connection.
        await using var anonymous = new MqttClient(new MqttClientOptions { Port = broker.TlsPort.Value, ClientId = "tls-anon", Tls = files.Tls(withCertificate: false) });
        Assert.False(await ConnectsAsync(anonymous), "a client without a certificate must not connect");
    }

    private static async Task<bool> ConnectsAsync(MqttClient client)
    {
        try
        {
            return (await client.ConnectAsync()).IsSuccess;
        }
        catch (MqttTransportException)
        {
            return false;
        }
    }

    private CredentialFiles WriteCredentials(JsonElement credentials)
    {
        Assert.Equal("certificate", credentials.GetProperty("kind").GetString());
        var directory = Directory.CreateDirectory(Path.Combine(_gateway.DataDirectory, "bundle-tls")).FullName;
        var files = new CredentialFiles(Path.Combine(directory, "ca.crt"), Path.Combine(directory, "client.crt"), Path.Combine(directory, "client.key"));
        File.WriteAllText(files.Ca, credentials.GetProperty("ca").GetString());
        File.WriteAllText(files.Certificate, credentials.GetProperty("certificate").GetString());
        File.WriteAllText(files.Key, credentials.GetProperty("privateKey").GetString());
        return files;
    }

    private sealed record CredentialFiles(string Ca, string Certificate, string Key)
    {
        /// <summary>The broker is verified against the fleet CA from the bundle (its certificate names 127.0.0.1).</summary>
        public MqttTlsOptions Tls(bool withCertificate) => new()
        {
            CaFile = Ca,
            ClientCertificateFile = withCertificate ? Certificate : null,
            ClientKeyFile = withCertificate ? Key : null,
        };
    }
}
