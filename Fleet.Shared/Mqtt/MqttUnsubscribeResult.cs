using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Shared.Mqtt;

/// <summary>UNSUBACK: one reason code per filter (MQTT 3.1.1 servers report success for all).</summary>
/// <param name="Items">Filter and its reason code.</param>
public sealed record MqttUnsubscribeResult(IReadOnlyList<MqttUnsubscribeResultItem> Items)
{
    /// <summary>No filter failed.</summary>
    public bool IsSuccess => Items.All(i => (byte)i.ReasonCode < 0x80);
}

/// <summary>The reason code for one filter of an UNSUBSCRIBE.</summary>
/// <param name="TopicFilter">The filter as requested.</param>
/// <param name="ReasonCode">Outcome.</param>
public sealed record MqttUnsubscribeResultItem(string TopicFilter, MqttUnsubscribeReasonCode ReasonCode);
