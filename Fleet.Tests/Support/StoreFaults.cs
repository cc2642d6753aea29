namespace Fleet.Tests.Gateway.Infrastructure;

/// <summary>Which writes a <see cref="FaultyFleetStore"/> fails: the next N, or all of them while the store is down.</summary>
internal sealed class StoreFaults
{
    private int _failNext;
    private int _down;
    private long _failed;

    /// <summary>Writes failed so far.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    public void FailNext(int writes) => Volatile.Write(ref _failNext, writes);

    public void Down() => Volatile.Write(ref _down, 1);

    public void Up() => Volatile.Write(ref _down, 0);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Func<Exception>> _healFaults = new(StringComparer.Ordinal);

    /// <summary>Every append of heal <paramref name="healId"/> is refused for good, as a store refuses input it cannot hold.</summary>
    public void RefuseHeal(string healId) => _healFaults[healId] = () => new ArgumentException($"injected store refusal of heal {healId}", "healEvent");

    /// <summary>Every append of heal <paramref name="healId"/> fails with a fault that is neither transient nor a refusal (a bug on that message's path).</summary>
    public void BreakHeal(string healId) => _healFaults[healId] = () => new InvalidOperationException($"injected fault on heal {healId}");

    public void OnHeal(string healId)
    {
        if (_healFaults.TryGetValue(healId, out var fault))
        {
            Interlocked.Increment(ref _failed);
            throw fault();
        }

        OnWrite();
    }

    public void OnWrite()
    {
        int remaining;
        do
        {
            remaining = Volatile.Read(ref _failNext);
        }
        while (remaining > 0 && Interlocked.CompareExchange(ref _failNext, remaining - 1, remaining) != remaining);

        if (remaining > 0 || Volatile.Read(ref _down) == 1)
        {
            Interlocked.Increment(ref _failed);
            throw new IOException("injected store fault: disk I/O error");
        }
    }
}
