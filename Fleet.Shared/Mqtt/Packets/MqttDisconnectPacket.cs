namespace Fleet.Shared.Mqtt.Packets;

internal sealed class MqttDisconnectPacket(MqttDisconnectReasonCode reasonCode = MqttDisconnectReasonCode.NormalDisconnection) : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Disconnect;

    public MqttDisconnectReasonCode ReasonCode { get; } = reasonCode;

    public uint? SessionExpiryInterval { get; init; }

    public string? ReasonString { get; init; }

    public string? ServerReference { get; init; }

    public IReadOnlyList<MqttUserProperty>? UserProperties { get; init; }
}
