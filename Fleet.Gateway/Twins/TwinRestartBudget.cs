using System.Collections.Concurrent;

namespace Fleet.Gateway.Twins;

/// <summary>
/// Per-twin restart budget, kept per node because a shard restarts its entities without limit: a twin that
/// restarts more than <see cref="MaxRestarts"/> times within <see cref="Window"/> (measured on the
/// <see cref="TimeProvider"/>) is over budget and passivates; its next message rebuilds it from the store.
/// </summary>
/// <remarks>Thread-safe: twins of every shard record their restarts here. Holds nothing for a twin that never restarted.</remarks>
internal sealed class TwinRestartBudget(int maxRestarts, TimeSpan window, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _restarts = new(StringComparer.Ordinal);

    public int MaxRestarts { get; } = maxRestarts >= 0 ? maxRestarts : throw new ArgumentOutOfRangeException(nameof(maxRestarts));

    public TimeSpan Window { get; } = window > TimeSpan.Zero ? window : throw new ArgumentOutOfRangeException(nameof(window));

    /// <summary>Twins with restarts still inside the window.</summary>
    public int Tracked => _restarts.Count;

    /// <summary>Records a restart of <paramref name="deviceId"/>'s twin; false when it is over budget (its record is then cleared).</summary>
    public bool TryRestart(string deviceId)
    {
        var now = time.GetUtcNow();
        var restarts = _restarts.GetOrAdd(deviceId, static _ => new Queue<DateTimeOffset>());
        lock (restarts)
        {
            while (restarts.TryPeek(out var oldest) && now - oldest >= Window)
            {
                restarts.Dequeue();
            }

            restarts.Enqueue(now);
            if (restarts.Count <= MaxRestarts)
            {
                return true;
            }
        }

        _restarts.TryRemove(deviceId, out _);
        return false;
    }

    /// <summary>Forgets restarts that left the window (called from a periodic sweep so quiet twins cost nothing).</summary>
    public void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var (id, restarts) in _restarts)
        {
            lock (restarts)
            {
                if (restarts.Count == 0 || now - restarts.Last() >= Window)
                {
                    _restarts.TryRemove(id, out _);
                }
            }
        }
    }
}
