using Fleet.Shared.Health;

namespace Fleet.Tests.Health;

public sealed class PersistenceFilterTests
{
    [Fact]
    public void Observe_TriggersOnlyWhenKOfTheLastNWindowsExceeded()
    {
        var filter = new PersistenceFilter(required: 3, window: 5);

        Assert.False(filter.Observe(true));
        Assert.False(filter.Observe(false));
        Assert.False(filter.Observe(true));
        Assert.False(filter.Observe(false));
        Assert.True(filter.Observe(true));
    }

    [Fact]
    public void Observe_ForgetsWindowsOlderThanN()
    {
        var filter = new PersistenceFilter(required: 2, window: 3);
        filter.Observe(true);
        filter.Observe(false);
        filter.Observe(false);

        // The first exceedance has left the window: one of the last three is not enough.
        Assert.False(filter.Observe(true));
        Assert.Equal(1, filter.Exceeding);
        Assert.True(filter.Observe(true));
    }

    [Fact]
    public void Reset_ClearsHistory_SoTheSameWindowsCannotTriggerAgain()
    {
        var filter = new PersistenceFilter(required: 2, window: 4);
        filter.Observe(true);
        Assert.True(filter.Observe(true));

        filter.Reset();

        Assert.False(filter.IsTriggered);
        Assert.Equal(0, filter.Observed);
        Assert.False(filter.Observe(true));
        Assert.True(filter.Observe(true));
    }

    [Fact]
    public void Observe_WithAWindowOf64_KeepsAllBits()
    {
        var filter = new PersistenceFilter(required: 64, window: 64);
        for (var i = 0; i < 63; i++)
        {
            Assert.False(filter.Observe(true));
        }

        Assert.True(filter.Observe(true));
        Assert.False(filter.Observe(false));
    }

    [Fact]
    public void Constructor_RejectsKGreaterThanN() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new PersistenceFilter(required: 4, window: 3));
}
