using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Shared.Mqtt;

/// <summary>A message published or received: topic, payload and MQTT 5 message properties.</summary>
/// <remarks>
/// MQTT 5 properties are ignored on MQTT 3.1.1 connections. Received messages carry the topic after
/// topic-alias resolution, so handlers never see an alias.
/// </remarks>
public sealed class MqttApplicationMessage
{
    /// <summary>Creates a message for <paramref name="topic"/>.</summary>
    public MqttApplicationMessage(string topic, ReadOnlyMemory<byte> payload = default)
    {
        Topic = topic;
        Payload = payload;
    }

    /// <summary>Topic name (no wildcards).</summary>
    public string Topic { get; init; }

    /// <summary>Payload bytes; may be empty.</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>Quality of service requested for this publication.</summary>
    public MqttQualityOfService QualityOfService { get; init; }

    /// <summary>Whether the server should retain the message (a received message: it is a retained copy, or retain-as-published).</summary>
    public bool Retain { get; init; }

    /// <summary>MQTT 5 Payload Format Indicator; null when absent.</summary>
    public MqttPayloadFormat? PayloadFormat { get; init; }

    /// <summary>MQTT 5 Message Expiry Interval in seconds; null when the message does not expire.</summary>
    public uint? MessageExpiryInterval { get; init; }

    /// <summary>MQTT 5 Content Type (e.g. <c>application/json</c>).</summary>
    public string? ContentType { get; init; }

    /// <summary>MQTT 5 Response Topic for request/response.</summary>
    public string? ResponseTopic { get; init; }

    /// <summary>MQTT 5 Correlation Data for request/response.</summary>
    public ReadOnlyMemory<byte>? CorrelationData { get; init; }

    /// <summary>MQTT 5 user properties, in order; null when none.</summary>
    public IReadOnlyList<MqttUserProperty>? UserProperties { get; init; }

    /// <summary>Subscription identifiers of the subscriptions that matched (received messages only).</summary>
    public IReadOnlyList<uint>? SubscriptionIdentifiers { get; init; }

    /// <summary>Received messages only: the server flagged it as a possible redelivery.</summary>
    public bool Duplicate { get; init; }

    /// <summary>The payload decoded as UTF-8.</summary>
    public string PayloadAsString() => System.Text.Encoding.UTF8.GetString(Payload.Span);
}
