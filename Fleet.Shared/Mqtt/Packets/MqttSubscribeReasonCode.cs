namespace Fleet.Shared.Mqtt.Packets;

/// <summary>SUBACK reason codes, one per requested filter (MQTT 5; 3.1.1 uses 0–2 and 0x80).</summary>
public enum MqttSubscribeReasonCode : byte
{
    /// <summary>Subscribed with maximum QoS 0.</summary>
    GrantedQoS0 = 0x00,

    /// <summary>Subscribed with maximum QoS 1.</summary>
    GrantedQoS1 = 0x01,

    /// <summary>Subscribed with maximum QoS 2.</summary>
    GrantedQoS2 = 0x02,

    /// <summary>Refused, reason not revealed (the only failure code of MQTT 3.1.1).</summary>
    UnspecifiedError = 0x80,

    /// <summary>Valid but not accepted by the server.</summary>
    ImplementationSpecificError = 0x83,

    /// <summary>Not authorised to subscribe.</summary>
    NotAuthorized = 0x87,

    /// <summary>The filter is malformed.</summary>
    TopicFilterInvalid = 0x8F,

    /// <summary>The packet identifier is already in use.</summary>
    PacketIdentifierInUse = 0x91,

    /// <summary>A limit was exceeded.</summary>
    QuotaExceeded = 0x97,

    /// <summary>Shared subscriptions are not supported.</summary>
    SharedSubscriptionsNotSupported = 0x9E,

    /// <summary>Subscription identifiers are not supported.</summary>
    SubscriptionIdentifiersNotSupported = 0xA1,

    /// <summary>Wildcard subscriptions are not supported.</summary>
    WildcardSubscriptionsNotSupported = 0xA2,
}
