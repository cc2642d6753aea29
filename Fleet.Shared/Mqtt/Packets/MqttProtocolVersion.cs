namespace Fleet.Shared.Mqtt.Packets;

/// <summary>The MQTT protocol level sent in CONNECT; chosen per connection.</summary>
public enum MqttProtocolVersion : byte
{
    /// <summary>MQTT 3.1.1 (protocol level 4): no properties, no reason codes on acknowledgements.</summary>
    V311 = 4,

    /// <summary>MQTT 5.0 (protocol level 5).</summary>
    V500 = 5,
}
