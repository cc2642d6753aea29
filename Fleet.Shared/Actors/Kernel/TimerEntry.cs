namespace Fleet.Shared.Actors.Kernel;

/// <summary>One started timer; it posts itself to its actor, which delivers its message only if it is still current.</summary>
internal sealed class TimerEntry(ActorCell cell, object key, object message, bool periodic) : IKernelMessage, IDisposable
{
    private ITimer? _timer;

    public object Key { get; } = key;

    public object Message { get; } = message;

    public bool Periodic { get; } = periodic;

    public void Arm(TimeSpan delay, TimeSpan period) =>
        _timer = cell.System.TimeProvider.CreateTimer(static state => ((TimerEntry)state!).Fire(), this, delay, period);

    public void Dispose() => _timer?.Dispose();

    private void Fire() => cell.Post(this, null);
}
