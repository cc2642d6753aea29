using Fleet.Shared.Actors.Supervision;

namespace Fleet.Shared.Actors;

/// <summary>An immutable recipe for creating an actor: factory, supervisor strategy for its children, mailbox.</summary>
/// <remarks>
/// The factory runs on the new actor's own turn (not in <c>ActorOf</c>) and again for every restart, so it must
/// return a fresh instance each time. Props may be shared by any number of actors.
/// </remarks>
public sealed class Props
{
    private readonly Func<ActorBase> _factory;

    private Props(Func<ActorBase> factory, SupervisorStrategy? supervisorStrategy, MailboxOptions mailbox)
    {
        _factory = factory;
        SupervisorStrategy = supervisorStrategy;
        Mailbox = mailbox;
    }

    /// <summary>How actors made from these props supervise their children; <see langword="null"/> means the actor's own
    /// <c>GetSupervisorStrategy()</c>, else <see cref="Supervision.SupervisorStrategy.Default"/>.</summary>
    public SupervisorStrategy? SupervisorStrategy { get; }

    /// <summary>The mailbox kind.</summary>
    public MailboxOptions Mailbox { get; }

    /// <summary>Props whose factory creates a <typeparamref name="TActor"/>.</summary>
    public static Props Create<TActor>(Func<TActor> factory)
        where TActor : ActorBase
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new Props(factory, null, MailboxOptions.Unbounded);
    }

    /// <summary>Props whose factory creates any actor.</summary>
    public static Props Create(Func<ActorBase> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new Props(factory, null, MailboxOptions.Unbounded);
    }

    /// <summary>Props for an actor with a parameterless constructor.</summary>
    public static Props Create<TActor>()
        where TActor : ActorBase, new() => new(static () => new TActor(), null, MailboxOptions.Unbounded);

    /// <summary>A copy whose actors supervise their children with <paramref name="strategy"/>.</summary>
    public Props WithSupervisorStrategy(SupervisorStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return new Props(_factory, strategy, Mailbox);
    }

    /// <summary>A copy whose actors use <paramref name="mailbox"/>.</summary>
    public Props WithMailbox(MailboxOptions mailbox)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        return new Props(_factory, SupervisorStrategy, mailbox);
    }

    internal ActorBase NewActor() => _factory() ?? throw new InvalidOperationException("The Props factory returned null.");
}
