using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Shared.Mqtt.Channel;

/// <summary>One entry of a connection's send queue; a struct so queuing a PUBLISH or an ack allocates nothing.</summary>
internal readonly struct MqttOutgoing
{
    private MqttOutgoing(MqttPacket? packet, MqttApplicationMessage? message, MqttPacketType ackType, ushort packetId, byte reasonCode, bool duplicate, TaskCompletionSource? written)
    {
        Packet = packet;
        Message = message;
        AckType = ackType;
        PacketId = packetId;
        ReasonCode = reasonCode;
        Duplicate = duplicate;
        Written = written;
    }

    public MqttPacket? Packet { get; }

    public MqttApplicationMessage? Message { get; }

    public MqttPacketType AckType { get; }

    public ushort PacketId { get; }

    public byte ReasonCode { get; }

    public bool Duplicate { get; }

    /// <summary>Completed once the bytes were flushed to the transport (or failed if the connection closed first).</summary>
    public TaskCompletionSource? Written { get; }

    public static MqttOutgoing ForPacket(MqttPacket packet, TaskCompletionSource? written = null) => new(packet, null, 0, 0, 0, false, written);

    public static MqttOutgoing ForPublish(MqttApplicationMessage message, ushort packetId, bool duplicate) => new(null, message, 0, packetId, 0, duplicate, null);

    public static MqttOutgoing ForAck(MqttPacketType type, ushort packetId, byte reasonCode = 0) => new(null, null, type, packetId, reasonCode, false, null);
}
