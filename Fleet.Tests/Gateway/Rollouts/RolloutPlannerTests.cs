using Fleet.Gateway.Rollouts;

namespace Fleet.Tests.Gateway.Rollouts;

public sealed class RolloutPlannerTests
{
    [Fact]
    public void WaveSizes_CanaryThenDoubling_CoverTheFleetExactly()
    {
        Assert.Equal([1, 2, 4, 8, 16, 32, 37], RolloutPlanner.WaveSizes(100, new RolloutPolicy()));
    }

    [Fact]
    public void WaveSizes_CanaryShare_WinsOverASmallerCount()
    {
        var sizes = RolloutPlanner.WaveSizes(1000, new RolloutPolicy { CanaryDevices = 2, CanaryShare = 0.05, WaveGrowth = 3 });
        Assert.Equal(50, sizes[0]);
        Assert.Equal(150, sizes[1]);
        Assert.Equal(1000, sizes.Sum());
    }

    [Fact]
    public void WaveSizes_GrowthOfOne_StillProgresses()
    {
        // Each wave is at least one device larger than the last, so a rollout always ends.
        Assert.Equal([3, 4, 3], RolloutPlanner.WaveSizes(10, new RolloutPolicy { CanaryDevices = 3, WaveGrowth = 1 }));
    }

    [Fact]
    public void Waves_AreStableAndDisjoint()
    {
        var devices = Enumerable.Range(0, 20).Select(i => $"d-{i:00}").Reverse().ToList();
        var waves = RolloutPlanner.Waves(devices, new RolloutPolicy());
        Assert.Equal("d-00", Assert.Single(waves[0]));
        Assert.Equal(20, waves.SelectMany(w => w).Distinct().Count());
    }

    [Fact]
    public void Policy_Defaults_AreValid_AndNonsenseIsListed()
    {
        Assert.Empty(new RolloutPolicy().Validate());
        Assert.Equal(3, new RolloutPolicy { CanaryDevices = 0, WaveGrowth = 0.5, MaxConcurrentUpdates = 0 }.Validate().Count);
    }
}
