namespace Fleet.Shared.Mqtt.Packets;

/// <summary>A PUBLISH; the message carries topic, payload, QoS, retain and properties.</summary>
internal sealed class MqttPublishPacket(MqttApplicationMessage message, ushort packetId = 0, bool duplicate = false, ushort topicAlias = 0) : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Publish;

    public MqttApplicationMessage Message { get; } = message;

    public ushort PacketId { get; } = packetId;

    public bool Duplicate { get; } = duplicate;

    /// <summary>0 when absent.</summary>
    public ushort TopicAlias { get; } = topicAlias;
}
