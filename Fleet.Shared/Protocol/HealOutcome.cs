namespace Fleet.Shared.Protocol;

/// <summary>How a heal episode ended (<c>heal.outcome</c>).</summary>
public enum HealOutcome
{
    /// <summary><c>healed</c>.</summary>
    Healed = 1,

    /// <summary><c>unhealable</c>: every rung failed validation.</summary>
    Unhealable,

    /// <summary><c>budgetExhausted</c>: the heal budget refused.</summary>
    BudgetExhausted,
}
