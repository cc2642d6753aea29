namespace Fleet.Tests.Gateway.Infrastructure;

/// <summary>Which writes a <see cref="FaultyFleetStore"/> fails (the next N, or all of them while the store is down), or holds until released.</summary>
internal sealed class StoreFaults
{
    private readonly object _gate = new();
    private TaskCompletionSource? _held;
    private int _failNext;
    private int _down;
    private long _failed;

    /// <summary>Writes failed so far.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    public void FailNext(int writes) => Volatile.Write(ref _failNext, writes);

    public void Down() => Volatile.Write(ref _down, 1);

    public void Up() => Volatile.Write(ref _down, 0);

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
