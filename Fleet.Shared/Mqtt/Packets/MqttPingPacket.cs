namespace Fleet.Shared.Mqtt.Packets;

/// <summary>PINGREQ or PINGRESP (no variable header, no payload); both are shared singletons.</summary>
internal sealed class MqttPingPacket : MqttPacket
{
    public static readonly MqttPingPacket Request = new(MqttPacketType.PingReq);

    public static readonly MqttPingPacket Response = new(MqttPacketType.PingResp);

    private MqttPingPacket(MqttPacketType type) => Type = type;

    public override MqttPacketType Type { get; }
}
