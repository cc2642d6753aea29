using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Channel;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Tests.Infrastructure;
using Fleet.Tests.Mqtt.Infrastructure;

namespace Fleet.Tests.Mqtt.Client;

public sealed class MqttClientTlsTests(TlsMosquittoFixture broker) : IClassFixture<TlsMosquittoFixture>
{
    [Fact]
    public async Task Tls_TrustingTheTestCa_ConnectsAndRoundTrips()
    {
        var collector = new MessageCollector();
        await using var client = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port) with
        {
            Host = "localhost",
            Tls = new MqttTlsOptions { CaFile = broker.Certificates.CaFile },
        }, collector);

        await client.SubscribeAsync("tls/t", MqttQualityOfService.AtLeastOnce);
        await client.PublishAsync(new MqttApplicationMessage("tls/t", "secure"u8.ToArray()) { QualityOfService = MqttQualityOfService.AtLeastOnce });

        Assert.Equal("secure", (await collector.WaitForAsync(1))[0].PayloadAsString());
    }

    [Fact]
    public async Task Tls_WrongCa_FailsWithTlsError()
    {
        await using var client = new MqttClient(MqttTestClients.Options(broker.Port) with
        {
            Host = "localhost",
            Tls = new MqttTlsOptions { CaFile = broker.Certificates.OtherCaFile },
        });

        var ex = await Assert.ThrowsAsync<MqttTransportException>(() => client.ConnectAsync());

        Assert.True(ex.IsTlsFailure);
    }

    [Fact]
    public async Task Tls_ServerNameNotInCertificate_FailsWithTlsError()
    {
        await using var client = new MqttClient(MqttTestClients.Options(broker.Port) with
        {
            Tls = new MqttTlsOptions { CaFile = broker.Certificates.CaFile, ServerName = "not-the-broker.example" },
        });

        Assert.True((await Assert.ThrowsAsync<MqttTransportException>(() => client.ConnectAsync())).IsTlsFailure);
    }

    [Fact]
    public async Task Tls_InsecureWithWrongCa_Connects()
    {
        await using var client = new MqttClient(MqttTestClients.Options(broker.Port) with
        {
            Tls = new MqttTlsOptions { CaFile = broker.Certificates.OtherCaFile, AllowUntrustedCertificates = true },
        });

        Assert.True((await client.ConnectAsync()).IsSuccess);
    }
}

public sealed class MqttClientMutualTlsTests(MutualTlsMosquittoFixture broker) : IClassFixture<MutualTlsMosquittoFixture>
{
    [Fact]
    public async Task MutualTls_WithClientCertificate_Connects()
    {
        await using var client = new MqttClient(MqttTestClients.Options(broker.Port, TestCertificates.ClientCommonName) with
        {
            Host = "localhost",
            Tls = new MqttTlsOptions
            {
                CaFile = broker.Certificates.CaFile,
                ClientCertificateFile = broker.Certificates.ClientCertFile,
                ClientKeyFile = broker.Certificates.ClientKeyFile,
            },
        });

        var result = await client.ConnectAsync();

        Assert.True(result.IsSuccess);
        await client.PublishAsync(new MqttApplicationMessage("mtls/t", "x"u8.ToArray()) { QualityOfService = MqttQualityOfService.AtLeastOnce });
    }

    [Fact]
    public async Task MutualTls_WithoutClientCertificate_IsRejected()
    {
        await using var client = new MqttClient(MqttTestClients.Options(broker.Port) with
        {
            Host = "localhost",
            Tls = new MqttTlsOptions { CaFile = broker.Certificates.CaFile },
            ConnectTimeout = TimeSpan.FromSeconds(20),
        });

        // TLS 1.3 reports the missing certificate after the handshake: the server then closes before CONNACK.
        await Assert.ThrowsAsync<MqttTransportException>(() => client.ConnectAsync());
        Assert.False(client.IsConnected);
    }
}
