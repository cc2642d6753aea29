namespace Fleet.Shared.Mqtt.Queue;

/// <summary>The default outbound queue: in memory, so its messages do not survive a process restart.</summary>
public sealed class InMemoryMqttOutboundQueue : IMqttOutboundQueue
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, MqttApplicationMessage> _messages = [];
    private long _next = 1;

    /// <inheritdoc />
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _messages.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<long> EnqueueAsync(MqttApplicationMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            var sequence = _next++;
            _messages.Add(sequence, message);
            return ValueTask.FromResult(sequence);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<MqttQueuedMessage>> PeekAsync(int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        lock (_gate)
        {
            IReadOnlyList<MqttQueuedMessage> batch = [.. _messages.Take(maxCount).Select(m => new MqttQueuedMessage(m.Key, m.Value))];
            return ValueTask.FromResult(batch);
        }
    }

    /// <inheritdoc />
    public ValueTask RemoveAsync(long sequence, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _messages.Remove(sequence);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
