using Fleet.Shared.Messaging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace Fleet.Tests.Messaging;

public sealed class MqttClientOptionsFactoryTests
{
    private static MqttConnectionSettings Settings(MqttProtocolVersion version = MqttProtocolVersion.V500) => new()
    {
        Host = "broker.local",
        Port = 1883,
        ClientId = "device-1",
        ProtocolVersion = version,
        CleanStart = false,
        SessionExpiryInterval = 86_400,
        ReceiveMaximum = 8,
        UserProperties = [new MqttUserProperty("k", "v"u8.ToArray())],
        Will = new MqttWillSettings("fleet/v1/s/0/device-1/status", "offline"u8.ToArray(), MqttQualityOfServiceLevel.AtLeastOnce, Retain: true, DelaySeconds: 5),
    };

    [Fact]
    public void Create_V5_CarriesSessionWillAndQuickAckTransport()
    {
        var options = MqttClientOptionsFactory.Create(Settings());

        var tcp = Assert.IsType<MqttClientTcpOptions>(options.ChannelOptions);
        Assert.Equal((false, 86_400u, (ushort)8, 5u), (options.CleanSession, options.SessionExpiryInterval, options.ReceiveMaximum, options.WillDelayInterval));
        Assert.Equal(("fleet/v1/s/0/device-1/status", true, MqttQualityOfServiceLevel.AtLeastOnce), (options.WillTopic, options.WillRetain, options.WillQualityOfServiceLevel));
        Assert.Equal(("broker.local", 1883), (((System.Net.DnsEndPoint)tcp.RemoteEndpoint).Host, ((System.Net.DnsEndPoint)tcp.RemoteEndpoint).Port));
        Assert.True(tcp.NoDelay);
        Assert.False(options.AllowPacketFragmentation);
        Assert.Equal(OperatingSystem.IsLinux(), tcp.StreamProvider is not null);
    }

    [Fact]
    public void Create_V311_LeavesOutWhatOnlyMqtt5Carries()
    {
        // MQTTnet's validator throws for MQTT 5-only options on 3.1.1; building proves none were set.
        var options = MqttClientOptionsFactory.Create(Settings(MqttProtocolVersion.V311));

        Assert.Equal((false, 0u, (ushort)0, 0u), (options.CleanSession, options.SessionExpiryInterval, options.ReceiveMaximum, options.WillDelayInterval));
        Assert.Null(options.UserProperties);
        Assert.Equal("fleet/v1/s/0/device-1/status", options.WillTopic);
    }

    [Fact]
    public void Create_QuickAckOff_UsesMqttNetsOwnSocket()
    {
        var options = MqttClientOptionsFactory.Create(Settings() with { TcpQuickAck = false });

        Assert.Null(((MqttClientTcpOptions)options.ChannelOptions).StreamProvider);
    }

    [Fact]
    public void Create_MissingCaFile_ThrowsSettingsExceptionNamingIt()
    {
        var path = Path.Combine(Path.GetTempPath(), "absent-" + Guid.NewGuid().ToString("N") + ".crt");

        var error = Assert.Throws<MqttSettingsException>(() => MqttClientOptionsFactory.Create(Settings() with { Tls = new MqttTlsSettings { CaFile = path } }));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal(MqttFailureKind.Tls, MqttFailure.Classify(error));
    }

    [Fact]
    public void Create_CaFile_TrustsOnlyItWithoutRevocationChecks()
    {
        using var certificates = Infrastructure.TestCertificates.Create();

        var options = MqttClientOptionsFactory.Create(Settings() with { Tls = new MqttTlsSettings { CaFile = certificates.CaFile } });

        var tls = options.ChannelOptions.TlsOptions;
        Assert.True(tls.UseTls);
        Assert.Single(tls.TrustChain);
        Assert.Equal(System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck, tls.RevocationMode);
        Assert.Equal("broker.local", tls.TargetHost);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500, MqttQualityOfServiceLevel.AtLeastOnce)]
    [InlineData(MqttProtocolVersion.V500, MqttQualityOfServiceLevel.AtMostOnce)]
    [InlineData(MqttProtocolVersion.V311, MqttQualityOfServiceLevel.ExactlyOnce)]
    public void PacketSize_MatchesWhatMqttNetWrites(MqttProtocolVersion version, MqttQualityOfServiceLevel qos)
    {
        var message = new MqttApplicationMessageBuilder().WithTopic("fleet/v1/s/3/device-1/events").WithPayload(new byte[300]).WithQualityOfServiceLevel(qos).Build();
        if (version == MqttProtocolVersion.V500)
        {
            message.ContentType = "application/json";
            message.ResponseTopic = "reply/to";
            message.CorrelationData = [1, 2, 3];
            message.MessageExpiryInterval = 60;
            message.PayloadFormatIndicator = MqttPayloadFormatIndicator.CharacterData;
            message.UserProperties = [new MqttUserProperty("name", "value"u8.ToArray())];
        }

        var formatter = new MQTTnet.Formatter.MqttPacketFormatterAdapter(version, new MqttBufferWriter(4096, 65535));
        var packet = MqttPublishPacketFactory.Create(message);
        packet.PacketIdentifier = qos == MqttQualityOfServiceLevel.AtMostOnce ? (ushort)0 : (ushort)7;
        var encoded = formatter.Encode(packet);

        Assert.Equal(encoded.Length, MqttPacketSize.OfPublish(message, version));
    }
}
