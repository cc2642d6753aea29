using Fleet.Device.Simulation;
using Fleet.Shared.Health;
using Fleet.Shared.Protocol;
using Fleet.Tests.Device.Storage;

namespace Fleet.Tests.Device.Simulation;

/// <summary>The simulator's fault classes end to end on the real device loop: each is detected, diagnosed and healed.</summary>
public sealed class FaultInjectorTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly Fleet.Shared.Time.ManualTimeProvider _time = DeviceTestKit.Clock();
    private readonly FaultInjector _injector = new(new Random(4), sensors: null);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void QualityFault_KeepsDigestsClean_AndIsDiagnosedModelQuality_ThenHealedToTheSafetyModel()
    {
        using var core = DeviceTestKit.Core(_dir.Path, _time);
        DeviceTestKit.WarmUp(core, _time);

        _injector.Inject(new Fault(FaultKind.Quality, null), core, core.Catalog!.Store);

        Assert.Empty(core.Host.CheckDigests());
        var outcomes = Enumerable.Range(0, 4).Select(_ => DeviceTestKit.Window(core, _time)).ToArray();
        var episode = Assert.Single(outcomes, o => o.Episode is not null).Episode!;
        Assert.Equal(Diagnosis.ModelQuality, episode.Heal!.Diagnosis);
        Assert.Equal(HealOutcome.Healed, episode.Heal.Outcome);
        Assert.Equal(HealRung.SafetyModel, episode.Heal.Rungs[^1].Rung);
        Assert.Equal(ModelSource.Safety, core.Host.Source);
        Assert.Equal(Diagnosis.ModelQuality, episode.Insight!.Diagnosis);
    }

    [Theory]
    [InlineData("pitch", 0)]
    [InlineData("energy", 1)]
    [InlineData("timbre", 2)]
    public void NamedDrift_ShiftsThatControlOnly(string feature, int index)
    {
        using var core = DeviceTestKit.Core(_dir.Path, _time);
        Assert.True(Fault.TryParse($"drift:{feature}", out var fault, out var problem), problem);

        _injector.Inject(fault!, core, core.Catalog!.Store);

        Assert.Equal([.. Enumerable.Range(0, 3).Select(f => f == index ? (float)FaultInjector.DriftOffset : 0f)], core.Input.Offset);
    }

    [Fact]
    public void CorruptArtifact_IsFoundByTheScrub_AndHealedByReloadRewritingIt()
    {
        using var core = DeviceTestKit.Core(_dir.Path, _time);
        DeviceTestKit.WarmUp(core, _time);
        var store = core.Catalog!.Store;
        var clean = DeviceTestKit.Window(core, _time);
        Assert.Null(core.ScrubArtifact(clean.Verdict));

        _injector.Inject(new Fault(FaultKind.CorruptArtifact, null), core, store);
        Assert.False(store.VerifyArtifact(core.Host.Sha256).IsSuccess);
        var episode = core.ScrubArtifact(DeviceTestKit.Window(core, _time).Verdict)!;

        var heal = episode.Heal!;
        Assert.Equal((Diagnosis.Hardware, "artifact", HealOutcome.Healed), (heal.Diagnosis, heal.Trigger, heal.Outcome));
        var rung = Assert.Single(heal.Rungs);
        Assert.Equal((HealRung.Reload, ValidationVerdict.Pass), (rung.Rung, rung.Validation));
        Assert.Contains("rewrote", rung.Detail);
        Assert.True(store.VerifyArtifact(core.Host.Sha256).IsSuccess);
        Assert.Null(DeviceTestKit.Window(core, _time).Episode);
    }
}
