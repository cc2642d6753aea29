namespace Fleet.Shared.Mqtt.Packets;

/// <summary>The Payload Format Indicator property of a message (MQTT 5).</summary>
public enum MqttPayloadFormat : byte
{
    /// <summary>Unspecified bytes.</summary>
    Unspecified = 0,

    /// <summary>UTF-8 encoded character data.</summary>
    Utf8 = 1,
}
