using System.Text;
using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Tests.Mqtt.Formatter;

public sealed class MqttPacketRoundTripTests
{
    private static readonly MqttUserProperty[] Props = [new("a", "1"), new("a", "2"), new("ü", "✓")];

    public static TheoryData<string, MqttProtocolVersion> AllPackets()
    {
        var data = new TheoryData<string, MqttProtocolVersion>();
        foreach (var name in Packets(MqttProtocolVersion.V500).Keys)
        {
            data.Add(name, MqttProtocolVersion.V500);
            if (Packets(MqttProtocolVersion.V311).ContainsKey(name))
            {
                data.Add(name, MqttProtocolVersion.V311);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllPackets))]
    public void EncodeDecodeEncode_EveryPacketType_IsByteIdentical(string name, MqttProtocolVersion version)
    {
        var packet = Packets(version)[name];
        var bytes = MqttCodec.Encode(packet, version);
        var decoded = MqttCodec.Decode(bytes, version, topicAliasMaximum: 10);

        Assert.Equal(packet.Type, decoded.Type);
        Assert.Equal(bytes, MqttCodec.Encode(decoded, version));
    }

    [Fact]
    public void Publish_V5WithAllProperties_DecodesEveryField()
    {
        var message = new MqttApplicationMessage("t/1", Encoding.UTF8.GetBytes("hello"))
        {
            QualityOfService = MqttQualityOfService.ExactlyOnce,
            Retain = true,
            PayloadFormat = MqttPayloadFormat.Utf8,
            MessageExpiryInterval = 60,
            ContentType = "text/plain",
            ResponseTopic = "reply/1",
            CorrelationData = new byte[] { 1, 2, 3 },
            UserProperties = Props,
        };
        var bytes = MqttCodec.Encode(new MqttPublishPacket(message, 513, duplicate: true), MqttProtocolVersion.V500);

        var decoded = (MqttPublishPacket)MqttCodec.Decode(bytes, MqttProtocolVersion.V500);

        Assert.Equal(513, decoded.PacketId);
        Assert.True(decoded.Duplicate);
        var m = decoded.Message;
        Assert.Equal(("t/1", "hello", MqttQualityOfService.ExactlyOnce, true), (m.Topic, m.PayloadAsString(), m.QualityOfService, m.Retain));
        Assert.Equal((MqttPayloadFormat?)MqttPayloadFormat.Utf8, m.PayloadFormat);
        Assert.Equal((60u, "text/plain", "reply/1"), (m.MessageExpiryInterval!.Value, m.ContentType, m.ResponseTopic));
        Assert.Equal(new byte[] { 1, 2, 3 }, m.CorrelationData!.Value.ToArray());
        Assert.Equal(Props, m.UserProperties);
    }

    [Fact]
    public void Publish_V311_HasNoPropertiesOnTheWire()
    {
        var message = new MqttApplicationMessage("a", new byte[] { 9 }) { QualityOfService = MqttQualityOfService.AtLeastOnce, ContentType = "ignored" };

        var bytes = MqttCodec.Encode(new MqttPublishPacket(message, 1), MqttProtocolVersion.V311);

        Assert.Equal(new byte[] { 0x32, 6, 0, 1, (byte)'a', 0, 1, 9 }, bytes);
    }

    [Fact]
    public void Publish_TopicAlias_ResolvesLaterEmptyTopics()
    {
        var decoder = new Fleet.Shared.Mqtt.Formatter.MqttPacketDecoder(MqttProtocolVersion.V500, topicAliasMaximum: 5);
        var first = MqttCodec.Encode(new MqttPublishPacket(new MqttApplicationMessage("long/topic/name"), topicAlias: 3), MqttProtocolVersion.V500);
        var second = MqttCodec.Encode(new MqttPublishPacket(new MqttApplicationMessage("x"), topicAlias: 3), MqttProtocolVersion.V500);
        // An alias-only PUBLISH has an empty topic: patch the encoded "x" topic to length 0.
        var aliasOnly = new byte[second.Length - 1];
        aliasOnly[0] = second[0];
        aliasOnly[1] = (byte)(second[1] - 1);
        aliasOnly[2] = 0;
        aliasOnly[3] = 0;
        second.AsSpan(5).CopyTo(aliasOnly.AsSpan(4));

        Assert.Equal("long/topic/name", ((MqttPublishPacket)MqttCodec.Decode(first, decoder)).Message.Topic);
        Assert.Equal("long/topic/name", ((MqttPublishPacket)MqttCodec.Decode(aliasOnly, decoder)).Message.Topic);
    }

    [Fact]
    public void ConnAck_V311ReturnCodes_MapToV5ReasonCodes()
    {
        Assert.Equal(MqttConnectReasonCode.BadUserNameOrPassword, ((MqttConnAckPacket)MqttCodec.Decode([0x20, 2, 0, 4], MqttProtocolVersion.V311)).ReasonCode);
        Assert.Equal(MqttConnectReasonCode.NotAuthorized, ((MqttConnAckPacket)MqttCodec.Decode([0x20, 2, 0, 5], MqttProtocolVersion.V311)).ReasonCode);
        Assert.True(((MqttConnAckPacket)MqttCodec.Decode([0x20, 2, 1, 0], MqttProtocolVersion.V311)).SessionPresent);
    }

    [Fact]
    public void Publish_LargePayloadSplitAcrossSegments_Decodes()
    {
        var payload = new byte[200_000];
        new Random(1).NextBytes(payload);
        var bytes = MqttCodec.Encode(new MqttPublishPacket(new MqttApplicationMessage("big", payload)), MqttProtocolVersion.V500);
        var sequence = Segments.Of(bytes, 4096);
        Assert.True(Fleet.Shared.Mqtt.Formatter.MqttFrameReader.TryRead(ref sequence, 1 << 20, out var header, out var body));

        var decoded = (MqttPublishPacket)new Fleet.Shared.Mqtt.Formatter.MqttPacketDecoder(MqttProtocolVersion.V500).Decode(header, body);

        Assert.Equal(payload, decoded.Message.Payload.ToArray());
    }

    private static Dictionary<string, MqttPacket> Packets(MqttProtocolVersion version)
    {
        var v5 = version == MqttProtocolVersion.V500;
        var will = new MqttApplicationMessage("will/t", Encoding.UTF8.GetBytes("bye"))
        {
            QualityOfService = MqttQualityOfService.AtLeastOnce,
            Retain = true,
            ContentType = v5 ? "text/plain" : null,
            UserProperties = v5 ? Props : null,
        };
        var packets = new Dictionary<string, MqttPacket>
        {
            ["connect"] = new MqttConnectPacket
            {
                ProtocolVersion = version,
                ClientId = "dev-1",
                CleanStart = false,
                KeepAliveSeconds = 30,
                UserName = "user",
                Password = Encoding.UTF8.GetBytes("pw"),
                Will = will,
                WillDelayInterval = v5 ? 5u : 0,
                SessionExpiryInterval = v5 ? 3600u : 0,
                ReceiveMaximum = v5 ? (ushort)10 : null,
                MaximumPacketSize = v5 ? 1000u : null,
                TopicAliasMaximum = v5 ? (ushort)8 : null,
                RequestProblemInformation = v5 ? true : null,
                UserProperties = v5 ? Props : null,
            },
            ["connect-minimal"] = new MqttConnectPacket { ProtocolVersion = version },
            ["connack"] = new MqttConnAckPacket
            {
                SessionPresent = true,
                ReasonCode = MqttConnectReasonCode.Success,
                ReceiveMaximum = v5 ? (ushort)20 : null,
                MaximumQoS = v5 ? MqttQualityOfService.AtLeastOnce : null,
                TopicAliasMaximum = v5 ? (ushort)10 : null,
                AssignedClientIdentifier = v5 ? "auto-1" : null,
                ServerKeepAlive = v5 ? (ushort)60 : null,
                SharedSubscriptionAvailable = v5 ? true : null,
                UserProperties = v5 ? Props : null,
            },
            ["connack-refused"] = new MqttConnAckPacket { ReasonCode = MqttConnectReasonCode.NotAuthorized },
            ["publish-qos0"] = new MqttPublishPacket(new MqttApplicationMessage("a/b", new byte[] { 1, 2 })),
            ["publish-qos1"] = new MqttPublishPacket(new MqttApplicationMessage("a/b", new byte[] { 3 }) { QualityOfService = MqttQualityOfService.AtLeastOnce, Retain = true }, 7, duplicate: true),
            ["publish-qos2-empty"] = new MqttPublishPacket(new MqttApplicationMessage("a") { QualityOfService = MqttQualityOfService.ExactlyOnce }, 65535),
            ["puback"] = new MqttAckPacket(MqttPacketType.PubAck, 1),
            ["pubrec"] = new MqttAckPacket(MqttPacketType.PubRec, 2),
            ["pubrel"] = new MqttAckPacket(MqttPacketType.PubRel, 3),
            ["pubcomp"] = new MqttAckPacket(MqttPacketType.PubComp, 4),
            ["subscribe"] = new MqttSubscribePacket(9, [new MqttTopicSubscription("a/+", MqttQualityOfService.ExactlyOnce), new MqttTopicSubscription("$share/g/b/#")]),
            ["suback"] = new MqttSubAckPacket(MqttPacketType.SubAck, 9, [0, 1, 2, 0x80]),
            ["unsubscribe"] = new MqttUnsubscribePacket(10, ["a/+", "b"]),
            ["pingreq"] = MqttPingPacket.Request,
            ["pingresp"] = MqttPingPacket.Response,
            ["disconnect"] = new MqttDisconnectPacket(),
        };
        if (v5)
        {
            packets["puback-reason"] = new MqttAckPacket(MqttPacketType.PubAck, 1, (byte)MqttPublishReasonCode.NotAuthorized) { ReasonString = "no", UserProperties = Props };
            packets["pubrec-reason"] = new MqttAckPacket(MqttPacketType.PubRec, 2, (byte)MqttPublishReasonCode.NoMatchingSubscribers);
            packets["pubcomp-reason"] = new MqttAckPacket(MqttPacketType.PubComp, 4, (byte)MqttPubRelReasonCode.PacketIdentifierNotFound);
            packets["subscribe-options"] = new MqttSubscribePacket(11, [new MqttTopicSubscription("c", MqttQualityOfService.AtLeastOnce, NoLocal: true, RetainAsPublished: true, RetainHandling: MqttRetainHandling.DoNotSend)])
            {
                SubscriptionIdentifier = 268_435_455,
                UserProperties = Props,
            };
            packets["unsuback"] = new MqttSubAckPacket(MqttPacketType.UnsubAck, 10, [0, 0x11]) { ReasonString = "r" };
            packets["disconnect-reason"] = new MqttDisconnectPacket(MqttDisconnectReasonCode.SessionTakenOver) { ReasonString = "taken", SessionExpiryInterval = 0, ServerReference = "other" };
            packets["auth"] = new MqttAuthPacket(0x18) { AuthenticationMethod = "SCRAM", AuthenticationData = new byte[] { 1 } };
            packets["publish-properties"] = new MqttPublishPacket(new MqttApplicationMessage("p", new byte[] { 0xFF })
            {
                QualityOfService = MqttQualityOfService.AtLeastOnce,
                MessageExpiryInterval = 1,
                ResponseTopic = "r",
                CorrelationData = new byte[] { 0 },
                SubscriptionIdentifiers = [1, 200_000],
                UserProperties = Props,
            }, 5);
        }
        else
        {
            packets["unsuback"] = new MqttSubAckPacket(MqttPacketType.UnsubAck, 10, []);
        }

        return packets;
    }
}
