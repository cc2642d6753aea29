namespace Fleet.Shared.Actors.Kernel;

/// <summary>The receive-timeout timer of an actor: it fires at the earliest possible deadline and the actor
/// checks the real idle time, so ordinary messages only record a timestamp instead of re-arming a timer.</summary>
internal sealed class ReceiveTimeoutTick : IKernelMessage, IDisposable
{
    private readonly ActorCell _cell;
    private readonly ITimer _timer;

    public ReceiveTimeoutTick(ActorCell cell, TimeSpan timeout)
    {
        _cell = cell;
        Timeout = timeout;
        LastActivity = cell.System.TimeProvider.GetTimestamp();
        _timer = cell.System.TimeProvider.CreateTimer(static state => ((ReceiveTimeoutTick)state!).Fire(), this, timeout, System.Threading.Timeout.InfiniteTimeSpan);
    }

    public TimeSpan Timeout { get; }

    public long LastActivity { get; set; }

    public void Arm(TimeSpan due) => _timer.Change(due, System.Threading.Timeout.InfiniteTimeSpan);

    public void Dispose() => _timer.Dispose();

    private void Fire() => _cell.Post(this, null);
}
