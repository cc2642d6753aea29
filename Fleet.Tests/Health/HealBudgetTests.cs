using Fleet.Shared.Health;
using Fleet.Shared.Time;

namespace Fleet.Tests.Health;

public sealed class HealBudgetTests
{
    private static readonly HealBudgetOptions Options = new(
        MaxHeals: 3,
        Period: TimeSpan.FromHours(1),
        InitialBackoff: TimeSpan.FromSeconds(10),
        MaxBackoff: TimeSpan.FromSeconds(25),
        StreakReset: TimeSpan.FromMinutes(5));

    [Fact]
    public void TryAcquire_BacksOffExponentiallyBetweenHealsOfAStreak()
    {
        var clock = new ManualTimeProvider();
        var budget = new HealBudget(Options with { MaxHeals = 10 }, clock);

        Assert.True(budget.TryAcquire().IsAllowed);
        var refused = budget.TryAcquire();
        Assert.Equal(HealRefusal.BackingOff, refused.Refusal);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(10), refused.RetryAt);
        Assert.Contains("backing off", refused.Reason, StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(budget.TryAcquire().IsAllowed);

        clock.Advance(TimeSpan.FromSeconds(19));
        Assert.Equal(HealRefusal.BackingOff, budget.TryAcquire().Refusal);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(budget.TryAcquire().IsAllowed);

        // 40 s would be next, capped at MaxBackoff = 25 s.
        clock.Advance(TimeSpan.FromSeconds(24));
        Assert.Equal(HealRefusal.BackingOff, budget.TryAcquire().Refusal);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(budget.TryAcquire().IsAllowed);
        Assert.Equal(4, budget.Streak);
    }

    [Fact]
    public void TryAcquire_RefusesWhenThePeriodCapIsUsedUp_UntilTheOldestHealExpires()
    {
        var clock = new ManualTimeProvider();
        var start = clock.GetUtcNow();
        var budget = new HealBudget(Options, clock);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(budget.TryAcquire().IsAllowed);
            clock.Advance(TimeSpan.FromMinutes(10));
        }

        var refused = budget.TryAcquire();
        Assert.Equal(HealRefusal.BudgetExhausted, refused.Refusal);
        Assert.Equal(start + TimeSpan.FromHours(1), refused.RetryAt);
        Assert.Contains("exhausted", refused.Reason, StringComparison.Ordinal);

        clock.Advance(start + TimeSpan.FromHours(1) - clock.GetUtcNow());
        Assert.True(budget.TryAcquire().IsAllowed);
    }

    [Fact]
    public void Streak_ResetsAfterAQuietSpell_SoBackoffStartsAgain()
    {
        var clock = new ManualTimeProvider();
        var budget = new HealBudget(Options with { MaxHeals = 10 }, clock);
        budget.TryAcquire();
        clock.Advance(TimeSpan.FromSeconds(10));
        budget.TryAcquire();
        Assert.Equal(2, budget.Streak);

        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, budget.Streak);
        Assert.True(budget.TryAcquire().IsAllowed);
        Assert.Equal(1, budget.Streak);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(10), budget.Check().RetryAt);
    }

    [Fact]
    public void Check_DoesNotSpendAHeal()
    {
        var budget = new HealBudget(Options, new ManualTimeProvider());
        Assert.True(budget.Check().IsAllowed);
        Assert.True(budget.Check().IsAllowed);
        Assert.Equal(0, budget.UsedInPeriod);
    }

    [Fact]
    public void Options_RejectAMaxBackoffBelowTheInitial() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new HealBudget(Options with { MaxBackoff = TimeSpan.FromSeconds(1) }, TimeProvider.System));
}
