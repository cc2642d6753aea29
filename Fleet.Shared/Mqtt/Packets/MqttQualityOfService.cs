namespace Fleet.Shared.Mqtt.Packets;

/// <summary>Delivery guarantee of a PUBLISH or the maximum granted for a subscription.</summary>
public enum MqttQualityOfService : byte
{
    /// <summary>At most once: fire and forget.</summary>
    AtMostOnce = 0,

    /// <summary>At least once: PUBLISH → PUBACK; duplicates possible.</summary>
    AtLeastOnce = 1,

    /// <summary>Exactly once: PUBLISH → PUBREC → PUBREL → PUBCOMP.</summary>
    ExactlyOnce = 2,
}
