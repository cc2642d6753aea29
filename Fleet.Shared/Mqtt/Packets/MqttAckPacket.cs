namespace Fleet.Shared.Mqtt.Packets;

/// <summary>PUBACK, PUBREC, PUBREL or PUBCOMP: a packet identifier, a reason code and optional properties.</summary>
internal sealed class MqttAckPacket(MqttPacketType type, ushort packetId, byte reasonCode = 0) : MqttPacket
{
    public override MqttPacketType Type { get; } = type is MqttPacketType.PubAck or MqttPacketType.PubRec or MqttPacketType.PubRel or MqttPacketType.PubComp
        ? type
        : throw new ArgumentOutOfRangeException(nameof(type), type, "not a publish acknowledgement");

    public ushort PacketId { get; } = packetId;

    public byte ReasonCode { get; } = reasonCode;

    public string? ReasonString { get; init; }

    public IReadOnlyList<MqttUserProperty>? UserProperties { get; init; }
}
