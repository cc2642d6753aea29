using System.Buffers;
using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Shared.Mqtt.Formatter;

/// <summary>
/// Decodes packet bodies framed by <see cref="MqttFrameReader"/>. Strict: anything the specification
/// calls malformed or a protocol error throws <see cref="MqttProtocolViolationException"/> with the
/// reason code to close the connection with; nothing else escapes.
/// </summary>
/// <remarks>One decoder per connection: it holds the incoming topic-alias table.</remarks>
internal sealed partial class MqttPacketDecoder(MqttProtocolVersion version, ushort topicAliasMaximum = 0)
{
    private string?[]? _topicAliases;
    private string? _lastTopic;
    private byte[] _lastTopicBytes = [];

    /// <summary>The protocol version; a decoded CONNECT sets it (server side).</summary>
    public MqttProtocolVersion Version { get; private set; } = version;

    public ushort TopicAliasMaximum { get; } = topicAliasMaximum;

    private bool V5 => Version == MqttProtocolVersion.V500;

    public MqttPacket Decode(byte header, in ReadOnlySequence<byte> body)
    {
        if (body.IsSingleSegment)
        {
            return Decode(header, body.FirstSpan);
        }

        var length = checked((int)body.Length);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            body.CopyTo(rented);
            return Decode(header, rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public MqttPacket Decode(byte header, ReadOnlySpan<byte> body)
    {
        var type = (MqttPacketType)(header >> 4);
        var flags = header & 0x0F;
        if (type != MqttPacketType.Publish)
        {
            var expected = type is MqttPacketType.PubRel or MqttPacketType.Subscribe or MqttPacketType.Unsubscribe ? 0b0010 : 0;
            if (flags != expected)
            {
                throw new MqttProtocolViolationException($"reserved flags 0x{flags:X} of {type} must be 0x{expected:X}");
            }
        }

        var reader = new MqttSpanReader(body);
        MqttPacket packet = type switch
        {
            MqttPacketType.Connect => DecodeConnect(ref reader),
            MqttPacketType.ConnAck => DecodeConnAck(ref reader),
            MqttPacketType.Publish => DecodePublish(flags, ref reader),
            MqttPacketType.PubAck or MqttPacketType.PubRec or MqttPacketType.PubRel or MqttPacketType.PubComp => DecodeAck(type, ref reader),
            MqttPacketType.Subscribe => DecodeSubscribe(ref reader),
            MqttPacketType.SubAck or MqttPacketType.UnsubAck => DecodeSubAck(type, ref reader),
            MqttPacketType.Unsubscribe => DecodeUnsubscribe(ref reader),
            MqttPacketType.PingReq => MqttPingPacket.Request,
            MqttPacketType.PingResp => MqttPingPacket.Response,
            MqttPacketType.Disconnect => DecodeDisconnect(ref reader),
            MqttPacketType.Auth when V5 => DecodeAuth(ref reader),
            _ => throw new MqttProtocolViolationException($"packet type {(int)type} is reserved"),
        };

        if (!reader.End)
        {
            throw new MqttProtocolViolationException($"{type} has {reader.Remaining} trailing bytes");
        }

        return packet;
    }

    private MqttAckPacket DecodeAck(MqttPacketType type, ref MqttSpanReader reader)
    {
        var packetId = ReadPacketId(ref reader);
        if (!V5 || reader.End)
        {
            return new MqttAckPacket(type, packetId);
        }

        var reasonCode = reader.ReadByte();
        var valid = type is MqttPacketType.PubRel or MqttPacketType.PubComp
            ? Enum.IsDefined((MqttPubRelReasonCode)reasonCode)
            : Enum.IsDefined((MqttPublishReasonCode)reasonCode);
        if (!valid)
        {
            throw new MqttProtocolViolationException($"reason code 0x{reasonCode:X2} is not valid in {type}");
        }

        var properties = reader.End ? default : MqttPropertyReader.Read(ref reader, MqttPropertySets.Ack);
        return new MqttAckPacket(type, packetId, reasonCode) { ReasonString = properties.ReasonString, UserProperties = properties.UserProperties };
    }

    private MqttSubAckPacket DecodeSubAck(MqttPacketType type, ref MqttSpanReader reader)
    {
        var packetId = ReadPacketId(ref reader);
        var properties = V5 ? MqttPropertyReader.Read(ref reader, MqttPropertySets.Ack) : default;
        var codes = reader.ReadToEnd().ToArray();
        if (codes.Length == 0 && (V5 || type == MqttPacketType.SubAck))
        {
            throw new MqttProtocolViolationException($"{type} without reason codes");
        }

        foreach (var code in codes)
        {
            var valid = type == MqttPacketType.SubAck
                ? (V5 ? Enum.IsDefined((MqttSubscribeReasonCode)code) : code is 0 or 1 or 2 or 0x80)
                : Enum.IsDefined((MqttUnsubscribeReasonCode)code);
            if (!valid)
            {
                throw new MqttProtocolViolationException($"reason code 0x{code:X2} is not valid in {type}");
            }
        }

        return new MqttSubAckPacket(type, packetId, codes) { ReasonString = properties.ReasonString, UserProperties = properties.UserProperties };
    }

    private MqttDisconnectPacket DecodeDisconnect(ref MqttSpanReader reader)
    {
        if (!V5 || reader.End)
        {
            return new MqttDisconnectPacket();
        }

        var code = (MqttDisconnectReasonCode)reader.ReadByte();
        if (!Enum.IsDefined(code))
        {
            throw new MqttProtocolViolationException($"reason code 0x{(byte)code:X2} is not valid in DISCONNECT");
        }

        var p = reader.End ? default : MqttPropertyReader.Read(ref reader, MqttPropertySets.Disconnect);
        return new MqttDisconnectPacket(code)
        {
            SessionExpiryInterval = p.SessionExpiryInterval,
            ReasonString = p.ReasonString,
            ServerReference = p.ServerReference,
            UserProperties = p.UserProperties,
        };
    }

    private static MqttAuthPacket DecodeAuth(ref MqttSpanReader reader)
    {
        if (reader.End)
        {
            return new MqttAuthPacket(0);
        }

        var code = reader.ReadByte();
        if (code is not (0x00 or 0x18 or 0x19))
        {
            throw new MqttProtocolViolationException($"reason code 0x{code:X2} is not valid in AUTH");
        }

        var p = reader.End ? default : MqttPropertyReader.Read(ref reader, MqttPropertySets.Auth);
        return new MqttAuthPacket(code)
        {
            AuthenticationMethod = p.AuthenticationMethod,
            AuthenticationData = AsMemory(p.AuthenticationData),
            ReasonString = p.ReasonString,
            UserProperties = p.UserProperties,
        };
    }

    /// <summary>An absent binary property stays null (a null array would otherwise become an empty, present value).</summary>
    private static ReadOnlyMemory<byte>? AsMemory(byte[]? bytes) => bytes is null ? (ReadOnlyMemory<byte>?)null : bytes;

    private static ushort ReadPacketId(ref MqttSpanReader reader)
    {
        var id = reader.ReadUInt16();
        return id != 0 ? id : throw new MqttProtocolViolationException(MqttDisconnectReasonCode.ProtocolError, "packet identifier 0");
    }
}
