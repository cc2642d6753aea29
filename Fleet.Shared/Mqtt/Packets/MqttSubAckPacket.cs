namespace Fleet.Shared.Mqtt.Packets;

/// <summary>SUBACK or UNSUBACK: a packet identifier and one reason code per filter.</summary>
internal sealed class MqttSubAckPacket(MqttPacketType type, ushort packetId, IReadOnlyList<byte> reasonCodes) : MqttPacket
{
    public override MqttPacketType Type { get; } = type is MqttPacketType.SubAck or MqttPacketType.UnsubAck
        ? type
        : throw new ArgumentOutOfRangeException(nameof(type), type, "not SUBACK or UNSUBACK");

    public ushort PacketId { get; } = packetId;

    public IReadOnlyList<byte> ReasonCodes { get; } = reasonCodes;

    public string? ReasonString { get; init; }

    public IReadOnlyList<MqttUserProperty>? UserProperties { get; init; }
}
