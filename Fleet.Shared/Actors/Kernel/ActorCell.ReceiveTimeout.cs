namespace Fleet.Shared.Actors.Kernel;

/// <summary>Receive timeout: one timer per actor, re-armed lazily from the last activity timestamp.</summary>
internal sealed partial class ActorCell
{
    public TimeSpan? ReceiveTimeout => _state?.ReceiveTimeout?.Timeout;

    public void SetReceiveTimeout(TimeSpan? timeout)
    {
        if (timeout is { } value)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
        }

        if (timeout is { } same && _state?.ReceiveTimeout is { } current && current.Timeout == same)
        {
            // Re-setting the same timeout (common in handlers) only counts as activity; no new timer.
            current.LastActivity = System.TimeProvider.GetTimestamp();
            return;
        }

        _state?.ReceiveTimeout?.Dispose();
        if (timeout is null)
        {
            if (_state is not null)
            {
                _state.ReceiveTimeout = null;
            }

            return;
        }

        State.ReceiveTimeout = new ReceiveTimeoutTick(this, timeout.Value);
    }

    private void OnReceiveTimeoutTick(ReceiveTimeoutTick tick)
    {
        if (!ReferenceEquals(_state?.ReceiveTimeout, tick))
        {
            return;
        }

        var clock = System.TimeProvider;
        var idle = clock.GetElapsedTime(tick.LastActivity);
        if (idle < tick.Timeout)
        {
            tick.Arm(tick.Timeout - idle);
            return;
        }

        tick.LastActivity = clock.GetTimestamp();
        tick.Arm(tick.Timeout);
        _current = new Envelope(Actors.ReceiveTimeout.Instance, null);
        Behave(Actors.ReceiveTimeout.Instance);
    }

    private void CancelTimers()
    {
        _state?.Timers?.CancelAll();
        SetReceiveTimeout(null);
    }
}
