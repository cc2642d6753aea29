namespace Fleet.Gateway.Store.Sql;

/// <summary>Held while a write runs; releases the dialect's writer slot, if it has one, on dispose.</summary>
internal readonly struct WriteGate(SemaphoreSlim? semaphore) : IDisposable
{
    public void Dispose() => semaphore?.Release();
}
