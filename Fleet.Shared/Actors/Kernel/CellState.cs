namespace Fleet.Shared.Actors.Kernel;

/// <summary>The parts of a cell most actors never use, allocated on first use so idle actors stay small.</summary>
/// <remarks>Owned by the actor's turn, except <see cref="Children"/> which locks itself.</remarks>
internal sealed class CellState
{
    public ChildrenContainer? Children;

    public HashSet<ActorCell>? Watchers;

    public HashSet<ActorCell>? Watching;

    public List<Action<object>>? Behaviors;

    public StashBuffer? Stash;

    public TimerScheduler? Timers;

    public ReceiveTimeoutTick? ReceiveTimeout;

    public Dictionary<ActorCell, RestartHistory>? RestartHistories;

    /// <summary>The message whose processing failed, for PreRestart.</summary>
    public object? FailedMessage;

    /// <summary>The failure a pending restart is for, while children stop.</summary>
    public Exception? RestartCause;
}
