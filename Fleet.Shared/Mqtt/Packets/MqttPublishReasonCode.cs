namespace Fleet.Shared.Mqtt.Packets;

/// <summary>Reason codes of PUBACK and PUBREC (MQTT 5); MQTT 3.1.1 acknowledgements are always <see cref="Success"/>.</summary>
public enum MqttPublishReasonCode : byte
{
    /// <summary>Accepted (for QoS 2: delivery proceeds).</summary>
    Success = 0x00,

    /// <summary>Accepted, but nobody subscribes to the topic.</summary>
    NoMatchingSubscribers = 0x10,

    /// <summary>Not accepted, reason not revealed.</summary>
    UnspecifiedError = 0x80,

    /// <summary>Valid but not accepted by the receiver.</summary>
    ImplementationSpecificError = 0x83,

    /// <summary>The sender is not authorised to publish there.</summary>
    NotAuthorized = 0x87,

    /// <summary>The topic name is not accepted.</summary>
    TopicNameInvalid = 0x90,

    /// <summary>The packet identifier is already in use.</summary>
    PacketIdentifierInUse = 0x91,

    /// <summary>An implementation or administrative limit was exceeded.</summary>
    QuotaExceeded = 0x97,

    /// <summary>The payload does not match its payload format indicator.</summary>
    PayloadFormatInvalid = 0x99,
}
