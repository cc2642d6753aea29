namespace Fleet.Shared.Mqtt.Packets;

/// <summary>An MQTT 5 user property: a UTF-8 name/value pair; names may repeat and order is kept.</summary>
/// <param name="Name">Property name.</param>
/// <param name="Value">Property value.</param>
public sealed record MqttUserProperty(string Name, string Value);
