namespace Fleet.Shared.Mqtt.Queue;

/// <summary>A stored message and its queue sequence number.</summary>
/// <param name="Sequence">Position in enqueue order.</param>
/// <param name="Message">The message.</param>
public sealed record MqttQueuedMessage(long Sequence, MqttApplicationMessage Message);
