namespace Fleet.Shared.Health;

/// <summary>How often a device may heal: a cap per period and exponential backoff between heals.</summary>
/// <param name="MaxHeals">Heals allowed within any sliding <paramref name="Period"/>.</param>
/// <param name="Period">The sliding window the cap applies to.</param>
/// <param name="InitialBackoff">Wait after the first heal of a streak before the next is allowed.</param>
/// <param name="MaxBackoff">The backoff doubles with every heal of a streak up to this.</param>
/// <param name="StreakReset">A heal this long after the previous one starts a new streak (backoff back to initial).</param>
public sealed record HealBudgetOptions(
    int MaxHeals,
    TimeSpan Period,
    TimeSpan InitialBackoff,
    TimeSpan MaxBackoff,
    TimeSpan StreakReset)
{
    /// <summary>3 heals per hour; 10 s, 20 s, 40 s … up to 10 min apart; a quiet 30 min resets the streak.</summary>
    public static HealBudgetOptions Default { get; } = new(3, TimeSpan.FromHours(1), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30));

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid value.</summary>
    public HealBudgetOptions Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxHeals, nameof(MaxHeals));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Period, TimeSpan.Zero, nameof(Period));
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialBackoff, TimeSpan.Zero, nameof(InitialBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBackoff, InitialBackoff, nameof(MaxBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StreakReset, TimeSpan.Zero, nameof(StreakReset));
        return this;
    }
}
