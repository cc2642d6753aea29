using Fleet.Gateway.Twins;
using Fleet.Shared.Time;

namespace Fleet.Tests.Gateway.Twins;

public sealed class TwinRestartBudgetTests
{
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.UnixEpoch);

    [Fact]
    public void TryRestart_OverTheBudgetWithinTheWindow_IsRefused_PerTwin()
    {
        var budget = new TwinRestartBudget(maxRestarts: 2, TimeSpan.FromMinutes(1), _clock);

        Assert.True(budget.TryRestart("a"));
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(budget.TryRestart("a"));
        Assert.True(budget.TryRestart("b"));
        Assert.False(budget.TryRestart("a"));

        // Refused: the record is cleared, so the rebuilt twin starts with a fresh budget.
        Assert.True(budget.TryRestart("a"));
        Assert.True(budget.TryRestart("b"));
        Assert.False(budget.TryRestart("b"));
    }

    [Fact]
    public void TryRestart_RestartsLeavingTheWindow_NoLongerCount()
    {
        var budget = new TwinRestartBudget(maxRestarts: 1, TimeSpan.FromMinutes(1), _clock);

        Assert.True(budget.TryRestart("a"));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(budget.TryRestart("a"));
        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.False(budget.TryRestart("a"));
    }

    [Fact]
    public void Sweep_ForgetsTwinsWhoseRestartsAllLeftTheWindow()
    {
        var budget = new TwinRestartBudget(maxRestarts: 3, TimeSpan.FromMinutes(1), _clock);
        budget.TryRestart("old");
        _clock.Advance(TimeSpan.FromSeconds(30));
        budget.TryRestart("recent");
        _clock.Advance(TimeSpan.FromSeconds(45));

        budget.Sweep();

        Assert.Equal(1, budget.Tracked);
    }

    [Fact]
    public void Constructor_RejectsANegativeBudgetOrAnEmptyWindow()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TwinRestartBudget(-1, TimeSpan.FromMinutes(1), _clock));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TwinRestartBudget(1, TimeSpan.Zero, _clock));
    }
}
