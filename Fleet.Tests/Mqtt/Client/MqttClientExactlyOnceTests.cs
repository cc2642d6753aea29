using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Tests.Mqtt.Infrastructure;

namespace Fleet.Tests.Mqtt.Client;

/// <summary>
/// The QoS 2 flows of MQTT 5 §4.3.3 against a scripted server that cuts the link at chosen points,
/// so each redelivery case is exercised exactly (the soak test covers them only by chance).
/// </summary>
public sealed class MqttClientExactlyOnceTests
{
    private static readonly MqttConnAckPacket Resumed = new() { SessionPresent = true };

    [Fact]
    public async Task Qos2Receive_RedeliveredBeforePubRel_ReachesTheHandlerOnce()
    {
        await using var server = new ScriptedMqttServer();
        var collector = new MessageCollector();
        await using var client = await ConnectAsync(server, collector);

        await server.SendAsync(Publish(7, "once", duplicate: false));
        Assert.Equal(MqttPacketType.PubRec, await NextAckTypeAsync(server, 7));
        server.Drop();
        await server.AcceptAsync(Resumed);
        await server.SendAsync(Publish(7, "once", duplicate: true));
        Assert.Equal(MqttPacketType.PubRec, await NextAckTypeAsync(server, 7));
        await server.SendAsync(new MqttAckPacket(MqttPacketType.PubRel, 7));
        Assert.Equal(MqttPacketType.PubComp, await NextAckTypeAsync(server, 7));
        // A marker after the flow: everything before it has been handled when it arrives.
        await server.SendAsync(Publish(8, "marker", duplicate: false));
        await collector.WaitForAsync(2);

        Assert.Equal(["once", "marker"], collector.Messages.Select(m => m.PayloadAsString()));
    }

    [Fact]
    public async Task Qos2Receive_ReleasedPacketIdReusedForAnotherMessage_IsDelivered()
    {
        await using var server = new ScriptedMqttServer();
        var collector = new MessageCollector();
        await using var client = await ConnectAsync(server, collector);

        await CompleteInboundFlowAsync(server, 7, "first");
        // The released id carries the next message, whose first transmission died with the link: its
        // redelivery has DUP set and it is still a new message.
        server.Drop();
        await server.AcceptAsync(Resumed);
        await server.SendAsync(Publish(7, "second", duplicate: true));
        Assert.Equal(MqttPacketType.PubRec, await NextAckTypeAsync(server, 7));
        await server.SendAsync(new MqttAckPacket(MqttPacketType.PubRel, 7));
        Assert.Equal(MqttPacketType.PubComp, await NextAckTypeAsync(server, 7));
        // Reused again, for a message identical to an earlier one but sent without DUP: new as well.
        await server.SendAsync(Publish(7, "first", duplicate: false));
        await collector.WaitForAsync(3);

        Assert.Equal(["first", "second", "first"], collector.Messages.Select(m => m.PayloadAsString()));
    }

    [Fact]
    public async Task Qos2Receive_ServerResendsTheReleasedPublish_ItIsAcknowledgedNotDeliveredAgain()
    {
        await using var server = new ScriptedMqttServer();
        var collector = new MessageCollector();
        await using var client = await ConnectAsync(server, collector);

        await CompleteInboundFlowAsync(server, 7, "once");
        // What Mosquitto 2.0 does when a reconnect's resent PUBREL never got written: on the next
        // connection it resends the released PUBLISH itself (DUP, same id, same message).
        server.Drop();
        await server.AcceptAsync(Resumed);
        await server.SendAsync(new MqttAckPacket(MqttPacketType.PubRel, 7));
        Assert.Equal(MqttPacketType.PubComp, await NextAckTypeAsync(server, 7));
        server.Drop();
        await server.AcceptAsync(Resumed);
        await server.SendAsync(Publish(7, "once", duplicate: true));
        Assert.Equal(MqttPacketType.PubRec, await NextAckTypeAsync(server, 7));
        await server.SendAsync(new MqttAckPacket(MqttPacketType.PubRel, 7));
        Assert.Equal(MqttPacketType.PubComp, await NextAckTypeAsync(server, 7));
        await server.SendAsync(Publish(8, "marker", duplicate: false));
        await collector.WaitForAsync(2);

        Assert.Equal(["once", "marker"], collector.Messages.Select(m => m.PayloadAsString()));
    }

    [Fact]
    public async Task Qos2Publish_PubRecThenLinkLoss_ResendsOnlyPubRelOnTheResumedSession()
    {
        await using var server = new ScriptedMqttServer();
        await using var client = await ConnectAsync(server, new MessageCollector());

        var publication = client.PublishAsync(new MqttApplicationMessage("eo/out", "x"u8.ToArray()) { QualityOfService = MqttQualityOfService.ExactlyOnce }).AsTask();
        var publish = Assert.IsType<MqttPublishPacket>(await server.ReceiveAsync());
        await server.SendAsync(new MqttAckPacket(MqttPacketType.PubRec, publish.PacketId));
        Assert.Equal(MqttPacketType.PubRel, await NextAckTypeAsync(server, publish.PacketId));
        server.Drop();
        await server.AcceptAsync(Resumed);
        var resent = await server.ReceiveAsync();

        var release = Assert.IsType<MqttAckPacket>(resent);
        Assert.Equal((MqttPacketType.PubRel, publish.PacketId), (release.Type, release.PacketId));
        Assert.False(publication.IsCompleted);
        await server.SendAsync(new MqttAckPacket(MqttPacketType.PubComp, publish.PacketId));
        Assert.True((await publication.WaitAsync(TimeSpan.FromSeconds(30))).IsSuccess);
    }

    [Fact]
    public async Task Qos2Publish_LinkLostBeforePubRec_ResendsThePublishWithDup()
    {
        await using var server = new ScriptedMqttServer();
        await using var client = await ConnectAsync(server, new MessageCollector());

        var publication = client.PublishAsync(new MqttApplicationMessage("eo/out", "y"u8.ToArray()) { QualityOfService = MqttQualityOfService.ExactlyOnce }).AsTask();
        var first = Assert.IsType<MqttPublishPacket>(await server.ReceiveAsync());
        server.Drop();
        await server.AcceptAsync(Resumed);
        var again = Assert.IsType<MqttPublishPacket>(await server.ReceiveAsync());

        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal(first.PacketId, again.PacketId);
        await server.SendAsync(new MqttAckPacket(MqttPacketType.PubRec, again.PacketId));
        Assert.Equal(MqttPacketType.PubRel, await NextAckTypeAsync(server, again.PacketId));
        await server.SendAsync(new MqttAckPacket(MqttPacketType.PubComp, again.PacketId));
        Assert.True((await publication.WaitAsync(TimeSpan.FromSeconds(30))).IsSuccess);
    }

    private static async Task<MqttClient> ConnectAsync(ScriptedMqttServer server, MessageCollector collector)
    {
        var client = new MqttClient(new MqttClientOptions
        {
            Port = server.Port,
            ClientId = "eo",
            CleanStart = false,
            SessionExpiryInterval = 600,
            AutoReconnect = true,
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(10),
            ReconnectMaximumDelay = TimeSpan.FromMilliseconds(100),
        })
        { MessageReceived = collector.Handle };
        var accept = server.AcceptAsync(new MqttConnAckPacket());
        Assert.True((await client.ConnectAsync()).IsSuccess);
        await accept;
        return client;
    }

    private static async Task CompleteInboundFlowAsync(ScriptedMqttServer server, ushort packetId, string payload)
    {
        await server.SendAsync(Publish(packetId, payload, duplicate: false));
        Assert.Equal(MqttPacketType.PubRec, await NextAckTypeAsync(server, packetId));
        await server.SendAsync(new MqttAckPacket(MqttPacketType.PubRel, packetId));
        Assert.Equal(MqttPacketType.PubComp, await NextAckTypeAsync(server, packetId));
    }

    private static MqttPublishPacket Publish(ushort packetId, string payload, bool duplicate) =>
        new(new MqttApplicationMessage("eo/in", System.Text.Encoding.UTF8.GetBytes(payload)) { QualityOfService = MqttQualityOfService.ExactlyOnce }, packetId, duplicate);

    /// <summary>The next acknowledgement the client sends for <paramref name="packetId"/> (skipping PINGREQs).</summary>
    private static async Task<MqttPacketType> NextAckTypeAsync(ScriptedMqttServer server, ushort packetId)
    {
        while (true)
        {
            var packet = await server.ReceiveAsync() ?? throw new InvalidOperationException("the client closed the connection");
            if (packet is MqttAckPacket ack)
            {
                Assert.Equal(packetId, ack.PacketId);
                return ack.Type;
            }

            Assert.IsType<MqttPingPacket>(packet);
        }
    }
}
