using Fleet.Shared.Actors.Kernel;

namespace Fleet.Shared.Actors.Supervision;

/// <summary>How an actor handles failures of its children: a decider plus a restart budget.</summary>
/// <remarks>
/// <para>
/// The restart budget follows Erlang/OTP, not Akka.NET: by default at most <see cref="DefaultMaxNrOfRetries"/> (1)
/// restart within <see cref="DefaultWithinTimeRange"/> (5 s), counted over a sliding window. A restart beyond the
/// budget stops the child(ren) and, with <see cref="WhenBudgetExceeded"/> = <see cref="Directive.Escalate"/> (the
/// default), fails the supervisor with <see cref="RestartBudgetExceededException"/> so that its own supervisor
/// decides, as an OTP supervisor that exits when its intensity is exceeded. Akka.NET's default (unlimited restarts)
/// is available as <c>maxNrOfRetries: -1</c>.
/// </para>
/// <para>
/// A restart never re-delivers the message whose processing failed: the next message the fresh instance sees is the
/// one queued after it. Strategies are immutable and may be shared; the restart history lives in the supervisor.
/// </para>
/// </remarks>
public abstract class SupervisorStrategy
{
    /// <summary>OTP's default intensity: one restart per window.</summary>
    public const int DefaultMaxNrOfRetries = 1;

    private readonly Func<Exception, Directive> _decider;

    /// <summary>Creates a strategy.</summary>
    /// <param name="maxNrOfRetries">Restarts allowed within <paramref name="withinTimeRange"/>; -1 for unlimited, 0 for none.</param>
    /// <param name="withinTimeRange">The sliding window; <see cref="Timeout.InfiniteTimeSpan"/> counts forever.</param>
    /// <param name="decider">Maps a failure to a directive.</param>
    /// <param name="whenBudgetExceeded"><see cref="Directive.Escalate"/> (OTP) or <see cref="Directive.Stop"/> (Akka).</param>
    protected SupervisorStrategy(int maxNrOfRetries, TimeSpan withinTimeRange, Func<Exception, Directive> decider, Directive whenBudgetExceeded)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNrOfRetries, -1);
        if (withinTimeRange != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(withinTimeRange, TimeSpan.Zero);
        }

        ArgumentNullException.ThrowIfNull(decider);
        if (whenBudgetExceeded is not (Directive.Escalate or Directive.Stop))
        {
            throw new ArgumentOutOfRangeException(nameof(whenBudgetExceeded), whenBudgetExceeded, "Only Escalate or Stop can follow an exceeded restart budget.");
        }

        MaxNrOfRetries = maxNrOfRetries;
        WithinTimeRange = withinTimeRange;
        WhenBudgetExceeded = whenBudgetExceeded;
        _decider = decider;
    }

    /// <summary>OTP's default period: 5 seconds.</summary>
    public static TimeSpan DefaultWithinTimeRange { get; } = TimeSpan.FromSeconds(5);

    /// <summary>One-for-one, <see cref="DefaultDecider"/>, OTP budget (1 restart in 5 s, then escalate).</summary>
    public static SupervisorStrategy Default { get; } = new OneForOneStrategy(DefaultDecider);

    /// <summary>One-for-one that stops every failing child.</summary>
    public static SupervisorStrategy Stopping { get; } = new OneForOneStrategy(static _ => Directive.Stop);

    /// <summary>Restarts allowed within <see cref="WithinTimeRange"/>; -1 means unlimited.</summary>
    public int MaxNrOfRetries { get; }

    /// <summary>The sliding window of the restart budget.</summary>
    public TimeSpan WithinTimeRange { get; }

    /// <summary>What follows a restart beyond the budget: <see cref="Directive.Escalate"/> or <see cref="Directive.Stop"/>.</summary>
    public Directive WhenBudgetExceeded { get; }

    /// <summary>Stops on <see cref="ActorInitializationException"/> and <see cref="DeathPactException"/>; restarts on anything else.</summary>
    public static Directive DefaultDecider(Exception cause) => cause switch
    {
        ActorInitializationException or DeathPactException => Directive.Stop,
        _ => Directive.Restart,
    };

    /// <summary>Applies the decider to <paramref name="cause"/>.</summary>
    public Directive Decide(Exception cause) => _decider(cause);

    /// <summary>The restart-budget key: the child (one-for-one) or the supervisor (all-for-one).</summary>
    internal abstract ActorCell BudgetKey(ActorCell supervisor, ActorCell child);

    /// <summary>The children a directive about <paramref name="child"/> applies to.</summary>
    internal abstract IReadOnlyList<ActorCell> AffectedChildren(ActorCell supervisor, ActorCell child);
}
