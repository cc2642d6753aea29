namespace Fleet.Shared.Mqtt.Packets;

internal sealed class MqttUnsubscribePacket(ushort packetId, IReadOnlyList<string> topicFilters) : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Unsubscribe;

    public ushort PacketId { get; } = packetId;

    public IReadOnlyList<string> TopicFilters { get; } = topicFilters;

    public IReadOnlyList<MqttUserProperty>? UserProperties { get; init; }
}
