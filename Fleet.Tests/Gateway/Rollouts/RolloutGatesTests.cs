using Fleet.Gateway.Rollouts;
using Fleet.Shared.Time;

namespace Fleet.Tests.Gateway.Rollouts;

public sealed class RolloutGatesTests
{
    private static readonly RolloutPolicy Policy = new() { Soak = TimeSpan.FromMinutes(10), MinDevicesForAbort = 2, AbortFailureShare = 0.5 };
    private static readonly QualitySample Baseline = new(50, KlMean: 0.02, Heals: 5, Window: TimeSpan.FromHours(1), GoldenFailures: 0, LatencyP99Us: 400, Failed: 0);

    [Fact]
    public void Evaluate_BeforeTheSoakEnds_Waits_ThenPassesAHealthyWave()
    {
        var clock = new ManualTimeProvider();
        var started = clock.GetUtcNow();
        var healthy = Baseline with { Devices = 4, Heals = 0 };

        Assert.Equal(GateDecision.Wait, RolloutGates.Evaluate(healthy, Baseline, Policy, started, clock.GetUtcNow()).Decision);
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(GateDecision.Pass, RolloutGates.Evaluate(healthy, Baseline, Policy, started, clock.GetUtcNow()).Decision);
    }

    [Fact]
    public void Evaluate_FailureShareOverTheLimit_FailsWithoutWaitingForTheSoak()
    {
        var now = DateTimeOffset.UnixEpoch;
        var verdict = RolloutGates.Evaluate(Baseline with { Devices = 2, Failed = 1 }, Baseline, Policy, now, now);
        Assert.Equal(GateDecision.Fail, verdict.Decision);
        Assert.Contains("failed the update", verdict.Reasons[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_OneFailureBelowTheMinimumCount_StillWaits()
    {
        var now = DateTimeOffset.UnixEpoch;
        Assert.Equal(GateDecision.Wait, RolloutGates.Evaluate(Baseline with { Devices = 1, Failed = 1 }, Baseline, Policy, now, now).Decision);
    }

    [Theory]
    [InlineData(0.05, 0, 400, 0, "mean KL")]
    [InlineData(0.02, 50, 400, 0, "heal rate")]
    [InlineData(0.02, 0, 900, 0, "p99 latency")]
    [InlineData(0.02, 0, 400, 1, "golden")]
    public void Evaluate_AfterTheSoak_FailsTheGateThatWasCrossed(double kl, int heals, double latency, int goldenFailures, string reason)
    {
        var now = DateTimeOffset.UnixEpoch;
        var candidate = new QualitySample(4, kl, heals, TimeSpan.FromHours(1), goldenFailures, latency, 0);
        var verdict = RolloutGates.Evaluate(candidate, Baseline, Policy, now - Policy.Soak, now);
        Assert.Equal(GateDecision.Fail, verdict.Decision);
        Assert.Contains(reason, Assert.Single(verdict.Reasons), StringComparison.Ordinal);
    }
}
