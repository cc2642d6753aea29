using System.Globalization;
using Fleet.Shared.Actors.Supervision;

namespace Fleet.Shared.Actors.Kernel;

/// <summary>The runtime of one actor: mailbox, dispatcher work item, lifecycle, supervision of its children.</summary>
/// <remarks>
/// Invariants: at most one thread runs <see cref="Execute"/> of a cell at a time (the <c>_scheduled</c> flag);
/// system messages are processed before user messages; fields not marked otherwise are touched only on the
/// actor's turn. Rarely used state lives in <see cref="CellState"/>, allocated on first use.
/// </remarks>
internal sealed partial class ActorCell : IActorContext, IThreadPoolWorkItem
{
    [ThreadStatic]
    private static ActorCell? _running;

    [ThreadStatic]
    private static ActorCell? _underConstruction;

    private readonly ActorCell? _parent;
    private readonly Props _props;
    private readonly BoundedQueue? _bounded;
    private readonly string? _name;
    private ActorPath? _path;
    private ActorBase? _actor;
    private Envelope? _current;
    private CellState? _state;
    private CellFlags _flags;

    // A null name is generated from the uid when first needed: most actors are never asked for theirs.
    public ActorCell(ActorSystem system, ActorCell? parent, Props props, string? name)
    {
        System = system;
        _parent = parent;
        _props = props;
        _name = name;
        Uid = system.NextUid();
        Self = new LocalActorRef(this);
        if (props.Mailbox.Capacity is { } capacity)
        {
            _bounded = new BoundedQueue(capacity, props.Mailbox.Overflow);
        }

        if (parent is null)
        {
            _state = new CellState { Children = new ChildrenContainer() };
        }
    }

    public ActorSystem System { get; }

    /// <summary>Sibling links for generated-name children; guarded by the parent's <see cref="ChildrenContainer"/> lock.</summary>
    public ActorCell? PreviousSibling { get; set; }

    /// <inheritdoc cref="PreviousSibling"/>
    public ActorCell? NextSibling { get; set; }

    public string Name => _name ?? GeneratedName(Uid);

    public bool HasGeneratedName => _name is null;

    public long Uid { get; }

    public LocalActorRef Self { get; }

    IActorRef IActorContext.Self => Self;

    public ActorPath Path => _path ??= (_parent?.Path ?? System.RootPath).Child(Name, Uid);

    public IActorRef Sender => _current?.Sender ?? System.DeadLetters;

    public IActorRef? CurrentSender => _current?.Sender;

    public Envelope? CurrentEnvelope => _current;

    public IActorRef Parent => _parent?.Self ?? System.DeadLetters;

    public IStash Stash => State.Stash ??= new StashBuffer(this);

    public ITimerScheduler Timers => State.Timers ??= new TimerScheduler(this);

    /// <summary>The actor whose turn runs on this thread, for implicit senders and Forward.</summary>
    public static ActorCell? Running => _running;

    private CellState State
    {
        get
        {
            if (_state is { } state)
            {
                return state;
            }

            Interlocked.CompareExchange(ref _state, new CellState(), null);
            return _state;
        }
    }

    private SupervisorStrategy SupervisorStrategy =>
        _props.SupervisorStrategy ?? _actor?.InvokeGetSupervisorStrategy() ?? SupervisorStrategy.Default;

    /// <summary>Hands the cell being created to the <see cref="ActorBase"/> constructor, once.</summary>
    public static ActorCell? TakeCellUnderConstruction()
    {
        var cell = _underConstruction;
        _underConstruction = null;
        return cell;
    }

    /// <summary>Schedules the first turn, which creates the actor instance.</summary>
    public void Start()
    {
        System.ActorStarted();
        TrySchedule();
    }

    public override string ToString() => Path.ToString();

    public static string GeneratedName(long uid) => "$" + uid.ToString("x", CultureInfo.InvariantCulture);

    private ActorBase NewInstance()
    {
        _underConstruction = this;
        try
        {
            return _props.NewActor();
        }
        finally
        {
            _underConstruction = null;
        }
    }

    private void PublishError(Exception cause, string message) =>
        System.EventStream.Publish(new ActorErrorEvent(Self, cause, message));
}
