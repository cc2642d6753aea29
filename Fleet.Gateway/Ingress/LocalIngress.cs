using System.Collections.Concurrent;

namespace Fleet.Gateway.Ingress;

/// <summary>
/// The shard sessions this process holds right now. Which shards those are is the cluster's decision (each shard's
/// session runs on exactly one node); this is what readiness, metrics and the API report for the node.
/// </summary>
internal sealed class LocalIngress
{
    private readonly ConcurrentDictionary<int, ShardSession> _sessions = new();
    private readonly Lock _gate = new();
    private List<(int Count, TaskCompletionSource Done)> _waiters = [];

    /// <summary>Shards whose session this node holds, in order.</summary>
    public IReadOnlyList<int> Hosted => [.. _sessions.Keys.Order()];

    /// <summary>Sessions of this node connected to the broker.</summary>
    public int Connected => _sessions.Values.Count(s => s.IsConnected);

    /// <summary>Shards of this node whose messages are held (not stored, redelivered with backoff), and why.</summary>
    public IReadOnlyList<ShardHold> Held => [.. _sessions.Values.Select(s => s.Hold).OfType<ShardHold>().OrderBy(h => h.Shard)];

    /// <summary>Shards of this node whose session another holder took over (announced by the broker).</summary>
    public IReadOnlyList<int> TakenOver => [.. _sessions.Values.Where(s => !s.IsOwner).Select(s => s.Shard).Order()];

    public void Add(ShardSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _sessions[session.Shard] = session;
        session.Connected += _ => Signal();
    }

    public void Remove(ShardSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _sessions.TryRemove(new KeyValuePair<int, ShardSession>(session.Shard, session));
    }

    /// <summary>Completes once at least <paramref name="count"/> sessions of this node are connected.</summary>
    public Task WhenConnectedAsync(int count, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiters = [.. _waiters, (count, done)];
        }

        Signal();
        return done.Task.WaitAsync(cancellationToken);
    }

    private void Signal()
    {
        List<(int Count, TaskCompletionSource Done)> waiters;
        lock (_gate)
        {
            if (_waiters.Count == 0)
            {
                return;
            }

            waiters = _waiters;
        }

        var connected = Connected;
        var met = waiters.Where(w => connected >= w.Count).ToList();
        if (met.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            _waiters = [.. _waiters.Except(met)];
        }

        foreach (var (_, done) in met)
        {
            done.TrySetResult();
        }
    }
}
