using Fleet.Device.Healing;
using Fleet.Device.Monitoring;
using Fleet.Shared.Health;
using Fleet.Shared.Models;
using Fleet.Shared.Protocol;
using Fleet.Tests.Device.Storage;

namespace Fleet.Tests.Device.Monitoring;

/// <summary>The watchdog and healer on the real inference loop: persistence, diagnosis classes, budget.</summary>
public sealed class WatchdogTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly Fleet.Shared.Time.ManualTimeProvider _time = DeviceTestKit.Clock();
    private double? _temperature = 45;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void CleanInputs_OverManyWindows_NeverHeal()
    {
        using var core = DeviceTestKit.Core(_dir.Path, _time, temperature: () => _temperature);
        DeviceTestKit.WarmUp(core, _time);
        for (var w = 0; w < 100; w++)
        {
            Assert.Null(DeviceTestKit.Window(core, _time).Episode);
        }
    }

    [Fact]
    public void TransientDrift_InOneWindowOnly_IsFilteredOut()
    {
        using var core = DeviceTestKit.Core(_dir.Path, _time, temperature: () => _temperature);
        DeviceTestKit.WarmUp(core, _time);
        core.Input.Offset[0] = 0.6f;
        var spike = DeviceTestKit.Window(core, _time);
        Array.Clear(core.Input.Offset);

        Assert.True(spike.Verdict.InputShift > spike.Verdict.InputShiftThreshold, "the spike window itself exceeds");
        Assert.Null(spike.Episode);
        for (var w = 0; w < 5; w++)
        {
            Assert.Null(DeviceTestKit.Window(core, _time).Episode);
        }
    }

    [Fact]
    public void PersistentDrift_IsDiagnosedDataDrift_WithinThreeWindows_AndReportedOnceAsAnInsightWithASketch()
    {
        using var core = DeviceTestKit.Core(_dir.Path, _time, temperature: () => _temperature);
        DeviceTestKit.WarmUp(core, _time);
        core.Input.Offset[1] = 0.6f;
        var episodes = Enumerable.Range(0, 10).Select(_ => DeviceTestKit.Window(core, _time)).ToArray();

        var first = Array.FindIndex(episodes, e => e.Episode is not null);
        Assert.InRange(first, 0, 2);
        var episode = episodes[first].Episode!;
        var insight = episode.Insight!;
        Assert.Equal(Diagnosis.DataDrift, insight.Diagnosis);
        Assert.True(insight.Region.HasValue);
        var centroid = insight.Region.Value.GetProperty("centroid");
        Assert.True(centroid[1].GetDouble() > 0.9, "the sketch locates the drifted feature");
        Assert.Single(episodes, e => e.Episode is not null);
        Assert.Equal(Diagnosis.DataDrift, core.Healer.Latched);
    }

    [Fact]
    public void BitFlip_IsDiagnosedHardware_AtTheNextDigest_AndRestored()
    {
        using var core = DeviceTestKit.Core(_dir.Path, _time, temperature: () => _temperature);
        DeviceTestKit.WarmUp(core, _time);
        ReferenceModels.FlipBit(core.Host.Weights["w2"], 77, 31);

        var outcome = DeviceTestKit.Window(core, _time);

        var heal = outcome.Episode!.Heal!;
        Assert.Equal((Diagnosis.Hardware, "digest", HealOutcome.Healed), (heal.Diagnosis, heal.Trigger, heal.Outcome));
        Assert.Equal(HealRung.RestoreTensors, Assert.Single(heal.Rungs).Rung);
        Assert.Null(outcome.Episode.Insight);
        Assert.True(core.Host.Validate().Passed);
    }

    [Fact]
    public void Thermal_IsDiagnosedCompute_AndSwitchesToTheSafetyModelOnce()
    {
        using var core = DeviceTestKit.Core(_dir.Path, _time, temperature: () => _temperature);
        DeviceTestKit.WarmUp(core, _time);
        _temperature = 92;
        var outcomes = Enumerable.Range(0, 8).Select(_ => DeviceTestKit.Window(core, _time)).ToArray();

        var heal = Assert.Single(outcomes, o => o.Episode is not null).Episode!.Heal!;
        Assert.Equal((Diagnosis.Compute, "latency"), (heal.Diagnosis, heal.Trigger));
        Assert.Equal([HealRung.SafetyModel], heal.Rungs.Select(r => r.Rung));
        Assert.Equal(ModelSource.Safety, core.Host.Source);
    }

    [Fact]
    public void OutputsAwayFromTheBaseline_WithCleanWeightsAndInputs_AreDiagnosedModelQuality()
    {
        using var core = DeviceTestKit.Core(_dir.Path, _time, temperature: () => _temperature);
        DeviceTestKit.WarmUp(core, _time);
        // The model's outputs no longer look like what it was shipped with: all baseline mass in the top bin.
        var baseline = core.Host.Package.Baseline;
        var counts = new long[baseline.Counts.Length];
        counts[^1] = baseline.Total;
        core.Watchdog.UseBaseline(baseline with { Counts = counts });

        var outcomes = Enumerable.Range(0, 6).Select(_ => DeviceTestKit.Window(core, _time)).ToArray();

        var heal = outcomes.First(o => o.Episode is not null).Episode!.Heal!;
        Assert.Equal((Diagnosis.ModelQuality, "kl", HealOutcome.Healed), (heal.Diagnosis, heal.Trigger, heal.Outcome));
        // Not pruned and no other known-good: the safety model is the first rung that applies.
        Assert.Equal([HealRung.SafetyModel], heal.Rungs.Select(r => r.Rung));
    }

    [Fact]
    public void RepeatedBitFlips_BeyondTheBudget_AreRefusedOnce_ThenHealedWhenTheBudgetAllows()
    {
        var budget = new HealBudgetOptions(2, TimeSpan.FromHours(1), TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromHours(1));
        using var core = DeviceTestKit.Core(_dir.Path, _time, RemediationOptions.Default with { Budget = budget }, () => _temperature);
        DeviceTestKit.WarmUp(core, _time);
        var outcomes = new List<HealOutcome>();
        for (var i = 0; i < 6; i++)
        {
            ReferenceModels.FlipBit(core.Host.Weights["w1"], 100 + i, 30);
            var outcome = DeviceTestKit.Window(core, _time);
            if (outcome.Episode?.Heal is { } heal)
            {
                outcomes.Add(heal.Outcome);
            }
        }

        Assert.Equal([HealOutcome.Healed, HealOutcome.Healed, HealOutcome.BudgetExhausted], outcomes);
        Assert.NotEmpty(core.Host.CheckDigests());

        _time.Advance(TimeSpan.FromHours(1));
        var later = DeviceTestKit.Window(core, _time).Episode!.Heal!;
        Assert.Equal(HealOutcome.Healed, later.Outcome);
        Assert.Empty(core.Host.CheckDigests());
    }

    [Theory]
    [InlineData("thermal")]
    [InlineData("drift")]
    public void PersistentFault_OnceOver_IsNotHealedAgainOnTheVotesOfItsLastWindows(string fault)
    {
        using var core = DeviceTestKit.Core(_dir.Path, _time, temperature: () => _temperature);
        DeviceTestKit.WarmUp(core, _time);
        if (fault == "thermal")
        {
            _temperature = 92;
        }
        else
        {
            core.Input.Offset[0] = 0.6f;
        }

        var during = Enumerable.Range(0, 8).Count(_ => DeviceTestKit.Window(core, _time).Episode is not null);
        _temperature = 45;
        Array.Clear(core.Input.Offset);
        var after = Enumerable.Range(0, 6).Select(_ => DeviceTestKit.Window(core, _time)).ToArray();

        Assert.Equal(1, during);
        Assert.All(after, o => Assert.Null(o.Episode));
        Assert.Null(core.Healer.Latched);
    }
}
