namespace Fleet.Shared.Mqtt.Queue;

/// <summary>Messages awaiting delivery to the broker, oldest first (store and forward).</summary>
/// <remarks>
/// Contract: <see cref="EnqueueAsync"/> returns only once the message is stored as durably as the
/// implementation promises; a message leaves the queue only through <see cref="RemoveAsync"/>, which
/// the sender calls after the broker acknowledged it — so delivery is at least once across restarts
/// of a durable implementation. Sequences increase strictly in enqueue order. Thread-safe.
/// </remarks>
public interface IMqttOutboundQueue : IAsyncDisposable
{
    /// <summary>Number of messages not yet removed.</summary>
    int Count { get; }

    /// <summary>Stores a message and returns its sequence number.</summary>
    ValueTask<long> EnqueueAsync(MqttApplicationMessage message, CancellationToken cancellationToken = default);

    /// <summary>Returns up to <paramref name="maxCount"/> of the oldest messages without removing them.</summary>
    ValueTask<IReadOnlyList<MqttQueuedMessage>> PeekAsync(int maxCount, CancellationToken cancellationToken = default);

    /// <summary>Removes a delivered message; removing an unknown sequence does nothing.</summary>
    ValueTask RemoveAsync(long sequence, CancellationToken cancellationToken = default);
}
