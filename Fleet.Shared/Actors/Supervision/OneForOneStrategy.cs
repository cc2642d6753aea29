using Fleet.Shared.Actors.Kernel;

namespace Fleet.Shared.Actors.Supervision;

/// <summary>Applies each decision to the failing child only; siblings are never affected.</summary>
/// <remarks>The restart budget is counted per child.</remarks>
public sealed class OneForOneStrategy : SupervisorStrategy
{
    /// <summary>OTP default budget (1 restart within 5 s, then escalate) with <paramref name="decider"/>.</summary>
    public OneForOneStrategy(Func<Exception, Directive> decider)
        : this(DefaultMaxNrOfRetries, DefaultWithinTimeRange, decider)
    {
    }

    /// <summary>A custom budget: <paramref name="maxNrOfRetries"/> restarts (-1 unlimited) within <paramref name="withinTimeRange"/>.</summary>
    public OneForOneStrategy(int maxNrOfRetries, TimeSpan withinTimeRange, Func<Exception, Directive> decider, Directive whenBudgetExceeded = Directive.Escalate)
        : base(maxNrOfRetries, withinTimeRange, decider, whenBudgetExceeded)
    {
    }

    internal override ActorCell BudgetKey(ActorCell supervisor, ActorCell child) => child;

    internal override IReadOnlyList<ActorCell> AffectedChildren(ActorCell supervisor, ActorCell child) => [child];
}
