using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Shared.Mqtt;

/// <summary>SUBACK: one reason code per requested filter, in request order.</summary>
/// <param name="Items">Filter and its reason code.</param>
/// <param name="ReasonString">Human-readable reason from the server, if any.</param>
public sealed record MqttSubscribeResult(IReadOnlyList<MqttSubscribeResultItem> Items, string? ReasonString = null)
{
    /// <summary>Every filter was granted (codes below 0x80).</summary>
    /// <remarks>Mosquitto grants ACL-forbidden subscriptions and then delivers nothing, so success is not proof of access.</remarks>
    public bool IsSuccess => Items.All(i => (byte)i.ReasonCode < 0x80);
}

/// <summary>The reason code for one filter of a SUBSCRIBE.</summary>
/// <param name="TopicFilter">The filter as requested.</param>
/// <param name="ReasonCode">Granted QoS or failure.</param>
public sealed record MqttSubscribeResultItem(string TopicFilter, MqttSubscribeReasonCode ReasonCode);
