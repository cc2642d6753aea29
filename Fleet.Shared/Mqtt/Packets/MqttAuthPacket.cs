namespace Fleet.Shared.Mqtt.Packets;

/// <summary>AUTH (MQTT 5 enhanced authentication); decoded and encoded, not driven by the client.</summary>
internal sealed class MqttAuthPacket(byte reasonCode) : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Auth;

    public byte ReasonCode { get; } = reasonCode;

    public string? AuthenticationMethod { get; init; }

    public ReadOnlyMemory<byte>? AuthenticationData { get; init; }

    public string? ReasonString { get; init; }

    public IReadOnlyList<MqttUserProperty>? UserProperties { get; init; }
}
