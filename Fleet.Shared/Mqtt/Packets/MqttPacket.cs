namespace Fleet.Shared.Mqtt.Packets;

/// <summary>A decoded or to-be-encoded MQTT control packet.</summary>
internal abstract class MqttPacket
{
    public abstract MqttPacketType Type { get; }
}
