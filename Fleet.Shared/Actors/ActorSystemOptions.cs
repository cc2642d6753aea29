using Fleet.Shared.Actors.Supervision;

namespace Fleet.Shared.Actors;

/// <summary>Settings of an <see cref="ActorSystem"/>.</summary>
public sealed record ActorSystemOptions
{
    /// <summary>Clock for timers, receive timeouts, Ask timeouts and restart budgets. Default: the system clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Most messages an actor processes per turn on a thread-pool thread before yielding. Default 30.</summary>
    /// <remarks>Higher favours throughput of busy actors; lower favours fairness between actors.</remarks>
    public int Throughput { get; init; } = 30;

    /// <summary>Timeout of <see cref="ActorRefExtensions.Ask{T}(IActorRef, object, CancellationToken)"/>. Default 30 s.</summary>
    public TimeSpan DefaultAskTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How the user guardian supervises top-level actors; <see langword="null"/> means <see cref="SupervisorStrategy.Default"/>.</summary>
    /// <remarks>
    /// When the guardian escalates (its decider says so, or a top-level actor exceeds its restart budget) the root
    /// publishes an <see cref="ActorErrorEvent"/> and stops the whole user tree, which terminates the system.
    /// </remarks>
    public SupervisorStrategy? GuardianSupervisorStrategy { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Throughput);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DefaultAskTimeout, TimeSpan.Zero);
    }
}
