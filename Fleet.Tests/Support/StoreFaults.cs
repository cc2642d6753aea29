namespace Fleet.Tests.Gateway.Infrastructure;

/// <summary>Which writes a <see cref="FaultyFleetStore"/> fails (the next N, or all of them while the store is down), or holds until released.</summary>
internal sealed class StoreFaults
{
    private readonly object _gate = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Func<Exception>> _healFaults = new(StringComparer.Ordinal);
    private TaskCompletionSource? _held;
    private int _failNext;
    private int _down;
    private long _failed;

    /// <summary>Writes failed so far.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    public void FailNext(int writes) => Volatile.Write(ref _failNext, writes);

    public void Down() => Volatile.Write(ref _down, 1);

    public void Up() => Volatile.Write(ref _down, 0);

    /// <summary>Every append of heal <paramref name="healId"/> is refused for good, as a store refuses input it cannot hold.</summary>
    public void RefuseHeal(string healId) => _healFaults[healId] = () => new ArgumentException($"injected store refusal of heal {healId}", "healEvent");

    /// <summary>Every append of heal <paramref name="healId"/> fails with a fault that is neither transient nor a refusal (a bug on that message's path).</summary>
    public void BreakHeal(string healId) => _healFaults[healId] = () => new InvalidOperationException($"injected fault on heal {healId}");

    /// <summary>Fails the append of heal <paramref name="healId"/> when a fault was injected for it.</summary>
    public void OnHeal(string healId)
    {
        if (_healFaults.TryGetValue(healId, out var fault))
        {
            Interlocked.Increment(ref _failed);
            throw fault();
        }
    }

    /// <summary>Writes from now on wait (they have not reached the store) until <see cref="Release"/>.</summary>
    public void Hold()
    {
        lock (_gate)
        {
            _held ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Release()
    {
        lock (_gate)
        {
            _held?.TrySetResult();
            _held = null;
        }
    }

    /// <summary>Waits while writes are held, then fails the write when a fault is due.</summary>
    public async Task OnWriteAsync()
    {
        Task? held;
        lock (_gate)
        {
            held = _held?.Task;
        }

        if (held is not null)
        {
            await held;
        }

        OnWrite();
    }

    private void OnWrite()
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
