namespace Fleet.Shared.Mqtt.Session;

/// <summary>
/// The flow-control window of MQTT 5 §4.9: at most the server's Receive Maximum QoS 1/2 publications
/// are unacknowledged at once. Waiters are released in arrival order.
/// </summary>
internal sealed class MqttSendQuota(int limit)
{
    private readonly Lock _gate = new();
    private readonly Queue<TaskCompletionSource> _waiters = new();
    private int _limit = limit;
    private int _inFlight;

    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    public bool TryAcquire()
    {
        lock (_gate)
        {
            if (_inFlight < _limit && _waiters.Count == 0)
            {
                _inFlight++;
                return true;
            }

            return false;
        }
    }

    public async ValueTask AcquireAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_gate)
        {
            if (_inFlight < _limit && _waiters.Count == 0)
            {
                _inFlight++;
                return;
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(waiter);
        }

        using (cancellationToken.Register(static w => ((TaskCompletionSource)w!).TrySetCanceled(), waiter))
        {
            await waiter.Task.ConfigureAwait(false);
        }
    }

    public void Release()
    {
        lock (_gate)
        {
            _inFlight--;
            WakeWaiters();
        }
    }

    /// <summary>Applies a new server's Receive Maximum after a (re)connect.</summary>
    public void SetLimit(int limit)
    {
        lock (_gate)
        {
            _limit = limit;
            WakeWaiters();
        }
    }

    private void WakeWaiters()
    {
        while (_inFlight < _limit && _waiters.TryDequeue(out var waiter))
        {
            // A cancelled waiter gives its turn to the next one.
            if (waiter.TrySetResult())
            {
                _inFlight++;
            }
        }
    }
}
