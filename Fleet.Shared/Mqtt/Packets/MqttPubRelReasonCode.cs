namespace Fleet.Shared.Mqtt.Packets;

/// <summary>Reason codes of PUBREL and PUBCOMP (MQTT 5).</summary>
public enum MqttPubRelReasonCode : byte
{
    /// <summary>Released / completed.</summary>
    Success = 0x00,

    /// <summary>The packet identifier is not known (e.g. the session was lost).</summary>
    PacketIdentifierNotFound = 0x92,
}
