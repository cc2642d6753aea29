namespace Fleet.Shared.Mqtt.Packets;

/// <summary>UNSUBACK reason codes, one per filter (MQTT 5; 3.1.1 reports <see cref="Success"/> for all).</summary>
public enum MqttUnsubscribeReasonCode : byte
{
    /// <summary>The subscription is deleted.</summary>
    Success = 0x00,

    /// <summary>No matching subscription existed.</summary>
    NoSubscriptionExisted = 0x11,

    /// <summary>Refused, reason not revealed.</summary>
    UnspecifiedError = 0x80,

    /// <summary>Valid but not accepted.</summary>
    ImplementationSpecificError = 0x83,

    /// <summary>Not authorised to unsubscribe.</summary>
    NotAuthorized = 0x87,

    /// <summary>The filter is malformed.</summary>
    TopicFilterInvalid = 0x8F,

    /// <summary>The packet identifier is already in use.</summary>
    PacketIdentifierInUse = 0x91,
}
