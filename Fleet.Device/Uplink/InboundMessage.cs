namespace Fleet.Device.Uplink;

/// <summary>
/// A message the broker delivered on one of the device's own topics, as the rest of the agent sees it: the uplink
/// copies what the actors need out of the MQTT client's message, so no MQTT type travels past <c>Uplink/</c>.
/// </summary>
/// <param name="Topic">The topic it arrived on.</param>
/// <param name="Payload">The payload bytes (owned by this message).</param>
/// <param name="QualityOfService">The delivery QoS (0, 1 or 2); a command's answer goes back at the same level.</param>
/// <param name="Retained">Whether the broker delivered it as the topic's retained message.</param>
/// <param name="ResponseTopic">The MQTT 5 response topic, when the sender asked for an answer there.</param>
/// <param name="CorrelationData">The MQTT 5 correlation data to echo in that answer.</param>
internal sealed record InboundMessage(
    string Topic,
    ReadOnlyMemory<byte> Payload,
    int QualityOfService = 0,
    bool Retained = false,
    string? ResponseTopic = null,
    ReadOnlyMemory<byte>? CorrelationData = null);
