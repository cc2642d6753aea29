using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Shared.Mqtt.Formatter;

/// <summary>
/// Encodes packets into an <see cref="IBufferWriter{T}"/> (normally the connection's PipeWriter).
/// One encoder per connection, used by one writer at a time; its scratch buffers are reused, so
/// encoding allocates nothing.
/// </summary>
internal sealed partial class MqttPacketEncoder(MqttProtocolVersion version) : IDisposable
{
    private readonly MqttWriteBuffer _body = new();
    private readonly MqttWriteBuffer _properties = new();

    public MqttProtocolVersion Version { get; } = version;

    private bool V5 => Version == MqttProtocolVersion.V500;

    public void Dispose()
    {
        _body.Dispose();
        _properties.Dispose();
    }

    public void Encode(MqttPacket packet, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(packet);
        switch (packet)
        {
            case MqttPublishPacket publish:
                WritePublish(output, publish.Message, publish.PacketId, publish.Duplicate, publish.TopicAlias);
                return;
            case MqttAckPacket { ReasonString: null, UserProperties: null } ack:
                WriteAck(output, ack.Type, ack.PacketId, ack.ReasonCode);
                return;
            case MqttPingPacket ping:
                var span = output.GetSpan(2);
                span[0] = (byte)((int)ping.Type << 4);
                span[1] = 0;
                output.Advance(2);
                return;
        }

        _body.Reset();
        var header = (byte)((int)packet.Type << 4);
        switch (packet)
        {
            case MqttConnectPacket connect: EncodeConnect(connect); break;
            case MqttConnAckPacket connAck: EncodeConnAck(connAck); break;
            case MqttAckPacket ack: EncodeAckWithProperties(ack); break;
            case MqttSubscribePacket subscribe: EncodeSubscribe(subscribe); break;
            case MqttSubAckPacket subAck: EncodeSubAck(subAck); break;
            case MqttUnsubscribePacket unsubscribe: EncodeUnsubscribe(unsubscribe); break;
            case MqttDisconnectPacket disconnect: EncodeDisconnect(disconnect); break;
            case MqttAuthPacket auth: EncodeAuth(auth); break;
            default: throw new ArgumentException($"cannot encode {packet.Type}", nameof(packet));
        }

        if (packet.Type is MqttPacketType.PubRel or MqttPacketType.Subscribe or MqttPacketType.Unsubscribe)
        {
            header |= 0b0010;
        }

        WriteFrame(output, header, _body.WrittenSpan);
    }

    /// <summary>Writes a PUBACK/PUBREC/PUBREL/PUBCOMP without properties (the hot path: no allocation).</summary>
    public void WriteAck(IBufferWriter<byte> output, MqttPacketType type, ushort packetId, byte reasonCode)
    {
        var withCode = V5 && reasonCode != 0;
        var span = output.GetSpan(5);
        span[0] = (byte)(((int)type << 4) | (type == MqttPacketType.PubRel ? 0b0010 : 0));
        span[1] = (byte)(withCode ? 3 : 2);
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], packetId);
        if (withCode)
        {
            span[4] = reasonCode;
        }

        output.Advance(withCode ? 5 : 4);
    }

    /// <summary>Writes a PUBLISH; the payload is copied straight into <paramref name="output"/>.</summary>
    /// <remarks>With <paramref name="omitTopic"/> the topic name is empty and <paramref name="topicAlias"/> stands for it.</remarks>
    public void WritePublish(IBufferWriter<byte> output, MqttApplicationMessage message, ushort packetId, bool duplicate, ushort topicAlias = 0, bool omitTopic = false)
    {
        var qos = (int)message.QualityOfService;
        var topicLength = omitTopic ? 0 : Encoding.UTF8.GetByteCount(message.Topic);
        if (topicLength > ushort.MaxValue)
        {
            throw new ArgumentException("topic longer than 65535 UTF-8 bytes", nameof(message));
        }

        var propertiesLength = 0;
        if (V5)
        {
            _properties.Reset();
            WriteMessageProperties(message, topicAlias);
            propertiesLength = _properties.Length;
        }

        var headerLength = 2 + topicLength + (qos > 0 ? 2 : 0) + (V5 ? MqttVariableByteInteger.Size((uint)propertiesLength) + propertiesLength : 0);
        var remaining = (uint)(headerLength + message.Payload.Length);
        var fixedLength = 1 + MqttVariableByteInteger.Size(remaining);
        var span = output.GetSpan(fixedLength + headerLength);
        span[0] = (byte)(0x30 | (duplicate ? 0x08 : 0) | (qos << 1) | (message.Retain ? 1 : 0));
        var position = 1 + MqttVariableByteInteger.Write(span[1..], remaining);
        BinaryPrimitives.WriteUInt16BigEndian(span[position..], (ushort)topicLength);
        position += 2;
        if (!omitTopic)
        {
            position += Encoding.UTF8.GetBytes(message.Topic, span[position..]);
        }
        if (qos > 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span[position..], packetId);
            position += 2;
        }

        if (V5)
        {
            position += MqttVariableByteInteger.Write(span[position..], (uint)propertiesLength);
            _properties.WrittenSpan.CopyTo(span[position..]);
            position += propertiesLength;
        }

        output.Advance(position);
        if (!message.Payload.IsEmpty)
        {
            output.Write(message.Payload.Span);
        }
    }

    /// <summary>The size of the PUBLISH <see cref="WritePublish"/> would write, to check against the server's maximum packet size.</summary>
    public int PublishSize(MqttApplicationMessage message)
    {
        var propertiesLength = 0;
        if (V5)
        {
            _properties.Reset();
            WriteMessageProperties(message, 0);
            propertiesLength = _properties.Length;
        }

        var remaining = 2 + Encoding.UTF8.GetByteCount(message.Topic) + (message.QualityOfService > 0 ? 2 : 0)
            + (V5 ? MqttVariableByteInteger.Size((uint)propertiesLength) + propertiesLength : 0) + message.Payload.Length;
        return 1 + MqttVariableByteInteger.Size((uint)remaining) + remaining;
    }

    private static void WriteFrame(IBufferWriter<byte> output, byte header, ReadOnlySpan<byte> body)
    {
        var span = output.GetSpan(5 + body.Length);
        span[0] = header;
        var position = 1 + MqttVariableByteInteger.Write(span[1..], (uint)body.Length);
        body.CopyTo(span[position..]);
        output.Advance(position + body.Length);
    }
}
