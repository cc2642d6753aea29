using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Channel;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Tests.Mqtt.Infrastructure;

namespace Fleet.Tests.Mqtt.Client;

public sealed class MqttClientProtocolViolationTests
{
    public static TheoryData<string, byte[], MqttDisconnectReasonCode> Violations() => new()
    {
        { "bad remaining length", [0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], MqttDisconnectReasonCode.MalformedPacket },
        { "invalid UTF-8 topic", [0x30, 0x05, 0x00, 0x02, 0xC3, 0x28, 0x00], MqttDisconnectReasonCode.MalformedPacket },
        { "wildcard topic", [0x30, 0x04, 0x00, 0x01, (byte)'+', 0x00], MqttDisconnectReasonCode.TopicNameInvalid },
        { "server sends SUBSCRIBE", [0x82, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00], MqttDisconnectReasonCode.MalformedPacket },
        { "server sends PINGREQ", [0xC0, 0x00], MqttDisconnectReasonCode.ProtocolError },
        { "second CONNACK", [0x20, 0x03, 0x00, 0x00, 0x00], MqttDisconnectReasonCode.ProtocolError },
        { "over maximum packet size", [0x30, 0xFF, 0xFF, 0x03, .. new byte[16]], MqttDisconnectReasonCode.PacketTooLarge },
        { "truncated property", [0x30, 0x05, 0x00, 0x01, (byte)'a', 0x05, 0x03], MqttDisconnectReasonCode.MalformedPacket },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task ServerSendsViolation_ClientDisconnectsWithReasonCode(string what, byte[] bytes, MqttDisconnectReasonCode expected)
    {
        await using var server = new ScriptedMqttServer();
        await using var client = new MqttClient(new MqttClientOptions { Port = server.Port, ClientId = "v", MaximumPacketSize = 1024 });
        var disconnected = new TaskCompletionSource<MqttClientDisconnectedEventArgs>();
        client.Disconnected += (_, e) => disconnected.TrySetResult(e);
        var accept = server.AcceptAsync(new MqttConnAckPacket());
        Assert.True((await client.ConnectAsync()).IsSuccess);
        await accept;

        await server.SendAsync(bytes);
        var reply = await server.ReceiveAsync();
        var e = await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(reply is MqttDisconnectPacket, what);
        Assert.Equal(expected, ((MqttDisconnectPacket)reply).ReasonCode);
        Assert.Equal(MqttCloseReason.ProtocolViolation, e.Reason);
        Assert.Equal(expected, e.ReasonCode);
        Assert.Null(await server.ReceiveAsync());
    }

    [Fact]
    public async Task IncomingTopicAliases_AreResolvedBeforeTheHandler()
    {
        await using var server = new ScriptedMqttServer();
        var collector = new MessageCollector();
        await using var client = new MqttClient(new MqttClientOptions { Port = server.Port, ClientId = "alias", TopicAliasMaximum = 4 }) { MessageReceived = collector.Handle };
        var accept = server.AcceptAsync(new MqttConnAckPacket());
        await client.ConnectAsync();
        var connect = await accept;

        await server.SendAsync(new MqttPublishPacket(new MqttApplicationMessage("fleet/v1/long/topic", "1"u8.ToArray()), topicAlias: 2));
        // Alias-only PUBLISH: empty topic, property 0x23 = 2, payload "2".
        await server.SendAsync([0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x02, (byte)'2']);

        var received = await collector.WaitForAsync(2);
        Assert.Equal((ushort?)4, connect.TopicAliasMaximum);
        Assert.All(received, m => Assert.Equal("fleet/v1/long/topic", m.Topic));
        Assert.Equal(["1", "2"], received.Select(m => m.PayloadAsString()));
    }

    [Fact]
    public async Task ConnAckRefusal_IsAValueAndTheSocketCloses()
    {
        await using var server = new ScriptedMqttServer();
        await using var client = new MqttClient(new MqttClientOptions { Port = server.Port, ClientId = "refused" });
        var accept = server.AcceptAsync(new MqttConnAckPacket { ReasonCode = MqttConnectReasonCode.Banned, ReasonString = "go away" });

        var result = await client.ConnectAsync();
        await accept;

        Assert.Equal(MqttConnectReasonCode.Banned, result.ResultCode);
        Assert.Equal("go away", result.ReasonString);
        Assert.Null(await server.ReceiveAsync());
    }
}
