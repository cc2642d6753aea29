using Fleet.Shared.Actors.Kernel;

namespace Fleet.Shared.Actors.Supervision;

/// <summary>Applies a Restart or Stop decision about one child to all children of the supervisor.</summary>
/// <remarks>Resume applies to the failing child only. The restart budget is counted per supervisor, as in OTP.</remarks>
public sealed class AllForOneStrategy : SupervisorStrategy
{
    /// <summary>OTP default budget (1 restart within 5 s, then escalate) with <paramref name="decider"/>.</summary>
    public AllForOneStrategy(Func<Exception, Directive> decider)
        : this(DefaultMaxNrOfRetries, DefaultWithinTimeRange, decider)
    {
    }

    /// <summary>A custom budget: <paramref name="maxNrOfRetries"/> restarts (-1 unlimited) within <paramref name="withinTimeRange"/>.</summary>
    public AllForOneStrategy(int maxNrOfRetries, TimeSpan withinTimeRange, Func<Exception, Directive> decider, Directive whenBudgetExceeded = Directive.Escalate)
        : base(maxNrOfRetries, withinTimeRange, decider, whenBudgetExceeded)
    {
    }

    internal override ActorCell BudgetKey(ActorCell supervisor, ActorCell child) => supervisor;

    internal override IReadOnlyList<ActorCell> AffectedChildren(ActorCell supervisor, ActorCell child) => supervisor.LiveChildren();
}
