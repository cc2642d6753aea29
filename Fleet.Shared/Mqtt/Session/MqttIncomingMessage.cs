namespace Fleet.Shared.Mqtt.Session;

/// <summary>A received PUBLISH on its way to the application handler, with what is needed to acknowledge it afterwards.</summary>
internal readonly record struct MqttIncomingMessage(MqttApplicationMessage Message, ushort PacketId, int Generation);
