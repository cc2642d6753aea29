namespace Fleet.Shared.Actors.Kernel;

/// <summary>Restart timestamps within a sliding window (OTP's intensity/period).</summary>
internal sealed class RestartHistory
{
    private readonly Queue<long> _restarts = new();

    /// <summary>Records a restart if the budget allows one more.</summary>
    public bool TryRecord(int maxRestarts, TimeSpan window, TimeProvider clock)
    {
        var now = clock.GetTimestamp();
        if (window != Timeout.InfiniteTimeSpan)
        {
            while (_restarts.Count > 0 && clock.GetElapsedTime(_restarts.Peek(), now) >= window)
            {
                _restarts.Dequeue();
            }
        }

        if (_restarts.Count >= maxRestarts)
        {
            return false;
        }

        _restarts.Enqueue(now);
        return true;
    }
}
