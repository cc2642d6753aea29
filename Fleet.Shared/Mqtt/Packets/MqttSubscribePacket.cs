namespace Fleet.Shared.Mqtt.Packets;

internal sealed class MqttSubscribePacket(ushort packetId, IReadOnlyList<MqttTopicSubscription> subscriptions) : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Subscribe;

    public ushort PacketId { get; } = packetId;

    public IReadOnlyList<MqttTopicSubscription> Subscriptions { get; } = subscriptions;

    public uint? SubscriptionIdentifier { get; init; }

    public IReadOnlyList<MqttUserProperty>? UserProperties { get; init; }
}
