using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Shared.Mqtt;

/// <summary>Outcome of a publication: the PUBACK/PUBREC reason code (QoS 0 is always <see cref="MqttPublishReasonCode.Success"/> once queued).</summary>
/// <param name="ReasonCode">PUBACK (QoS 1) or PUBREC (QoS 2) reason code.</param>
/// <param name="ReasonString">Human-readable reason from the server, if any.</param>
public readonly record struct MqttPublishResult(MqttPublishReasonCode ReasonCode, string? ReasonString = null)
{
    /// <summary>The server accepted the message (codes below 0x80).</summary>
    public bool IsSuccess => (byte)ReasonCode < 0x80;
}
