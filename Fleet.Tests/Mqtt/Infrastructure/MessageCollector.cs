using System.Collections.Concurrent;
using Fleet.Shared.Mqtt;

namespace Fleet.Tests.Mqtt.Infrastructure;

/// <summary>Collects received messages and lets a test wait for a count with a generous timeout.</summary>
public sealed class MessageCollector
{
    private readonly ConcurrentQueue<MqttApplicationMessage> _messages = new();
    private readonly SemaphoreSlim _arrived = new(0);

    public IReadOnlyList<MqttApplicationMessage> Messages => [.. _messages];

    public int Count => _messages.Count;

    public ValueTask Handle(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        _messages.Enqueue(message);
        _arrived.Release();
        return ValueTask.CompletedTask;
    }

    public async Task<IReadOnlyList<MqttApplicationMessage>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (_messages.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                throw new TimeoutException($"received {_messages.Count} of {count} messages");
            }
        }

        return Messages;
    }
}
