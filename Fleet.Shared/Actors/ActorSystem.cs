using Fleet.Shared.Actors.Kernel;
using Fleet.Shared.Actors.Supervision;

namespace Fleet.Shared.Actors;

/// <summary>A hierarchy of actors sharing a dispatcher (the .NET thread pool), a clock, dead letters and an event stream.</summary>
/// <remarks>
/// <para>Top-level actors are children of the user guardian <c>/user</c>. <see cref="Terminate"/> stops the guardian,
/// which stops the tree bottom-up: every actor's children stop (and run <c>PostStop</c>) before it does.</para>
/// <para>If the guardian escalates a failure (see <see cref="ActorSystemOptions.GuardianSupervisorStrategy"/>), the
/// root publishes an <see cref="ActorErrorEvent"/> and stops the user tree; the system then terminates.</para>
/// </remarks>
public sealed class ActorSystem : IAsyncDisposable
{
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ActorCell _guardian;
    private readonly DeadLetterActorRef _deadLetters;
    private long _nextUid;
    private long _liveActors;
    private long _deadLetterCount;
    private long _mailboxRejected;
    private long _mailboxDroppedOldest;

    private ActorSystem(string name, ActorSystemOptions options)
    {
        Name = name;
        Options = options;
        TimeProvider = options.TimeProvider;
        Throughput = options.Throughput;
        var root = ActorPath.Root(name);
        TempPath = root.Child("temp", 0);
        _deadLetters = new DeadLetterActorRef(this, root.Child("deadLetters", 0));
        var guardianProps = Props.Create(static () => new GuardianActor())
            .WithSupervisorStrategy(options.GuardianSupervisorStrategy ?? SupervisorStrategy.Default);
        RootPath = root;
        _guardian = new ActorCell(this, null, guardianProps, "user");
        _guardian.Start();
    }

    /// <summary>The system's name (the first element of every path).</summary>
    public string Name { get; }

    /// <summary>The options the system was created with.</summary>
    public ActorSystemOptions Options { get; }

    /// <summary>The clock of every timer, timeout and restart budget in this system.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>System-wide publish/subscribe.</summary>
    public EventStream EventStream { get; } = new();

    /// <summary>Receives undeliverable messages; each one is counted and published as a <see cref="DeadLetter"/>.</summary>
    public IActorRef DeadLetters => _deadLetters;

    /// <summary>Completes when the user tree has stopped.</summary>
    public Task WhenTerminated => _terminated.Task;

    internal int Throughput { get; }

    internal ActorPath TempPath { get; }

    internal ActorPath RootPath { get; }

    /// <summary>Creates a system.</summary>
    /// <param name="name">Letters, digits, '-' and '_'.</param>
    /// <param name="options">Settings; defaults when <see langword="null"/>.</param>
    public static ActorSystem Create(string name, ActorSystemOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException("A system name holds only letters, digits, '-' and '_'.", nameof(name));
        }

        options ??= new ActorSystemOptions();
        options.Validate();
        return new ActorSystem(name, options);
    }

    /// <summary>Creates a top-level actor under <c>/user</c>.</summary>
    /// <exception cref="InvalidActorNameException">The name is malformed or taken.</exception>
    /// <exception cref="InvalidOperationException">The system is terminating.</exception>
    public IActorRef ActorOf(Props props, string? name = null) => _guardian.ActorOf(props, name);

    /// <summary>Stops <paramref name="actor"/> asynchronously (children first; queued messages become dead letters).</summary>
    public void Stop(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor is LocalActorRef local)
        {
            local.Cell.PostSystem(new SystemMessage(SystemMessageKind.Terminate));
        }
    }

    /// <summary>Starts a graceful shutdown and returns <see cref="WhenTerminated"/>.</summary>
    public Task Terminate()
    {
        _guardian.PostSystem(new SystemMessage(SystemMessageKind.Terminate));
        return WhenTerminated;
    }

    /// <summary>Shuts down gracefully and waits until the user tree has stopped.</summary>
    public Task TerminateAsync(CancellationToken cancellationToken = default) => Terminate().WaitAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await Terminate().ConfigureAwait(false);

    /// <summary>A snapshot of the system's counters.</summary>
    public ActorSystemMetrics GetMetrics() => new(
        Interlocked.Read(ref _liveActors),
        Interlocked.Read(ref _deadLetterCount),
        Interlocked.Read(ref _mailboxRejected),
        Interlocked.Read(ref _mailboxDroppedOldest));

    /// <inheritdoc />
    public override string ToString() => "fleet://" + Name;

    internal long NextUid() => Interlocked.Increment(ref _nextUid);

    internal void ActorStarted() => Interlocked.Increment(ref _liveActors);

    internal void ActorStopped() => Interlocked.Decrement(ref _liveActors);

    internal void PublishDeadLetter(DeadLetter letter)
    {
        Interlocked.Increment(ref _deadLetterCount);
        switch (letter.Reason)
        {
            case DeadLetterReason.MailboxFull:
                Interlocked.Increment(ref _mailboxRejected);
                break;
            case DeadLetterReason.DroppedOldest:
                Interlocked.Increment(ref _mailboxDroppedOldest);
                break;
        }

        if (EventStream.HasSubscribers)
        {
            EventStream.Publish(letter);
        }
    }

    internal void OnGuardianFailed(ActorCell guardian, Exception cause)
    {
        EventStream.Publish(new ActorErrorEvent(guardian.Self, cause, "The user guardian escalated a failure to the root: stopping the user tree."));
        guardian.PostSystem(new SystemMessage(SystemMessageKind.Terminate));
    }

    internal void OnGuardianTerminated() => _terminated.TrySetResult();
}
