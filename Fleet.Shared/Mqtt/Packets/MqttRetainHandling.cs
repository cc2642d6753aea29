namespace Fleet.Shared.Mqtt.Packets;

/// <summary>Whether the server sends retained messages when a subscription is made (MQTT 5).</summary>
public enum MqttRetainHandling : byte
{
    /// <summary>Send retained messages at the time of every subscribe.</summary>
    SendAtSubscribe = 0,

    /// <summary>Send retained messages only if the subscription did not already exist.</summary>
    SendAtSubscribeIfNew = 1,

    /// <summary>Never send retained messages for this subscription.</summary>
    DoNotSend = 2,
}
