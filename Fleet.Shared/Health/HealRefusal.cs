namespace Fleet.Shared.Health;

/// <summary>Why a <see cref="HealBudget"/> answered the way it did.</summary>
public enum HealRefusal
{
    /// <summary>The heal is allowed.</summary>
    None = 0,

    /// <summary>The cap of heals per period is used up.</summary>
    BudgetExhausted,

    /// <summary>Too soon after the previous heal of the streak.</summary>
    BackingOff,
}
