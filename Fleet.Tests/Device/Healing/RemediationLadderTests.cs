using Fleet.Device.Healing;
using Fleet.Device.Agent;
using Fleet.Device.Core;
using Fleet.Device.Inference;
using Fleet.Device.Monitoring;
using Fleet.Device.Storage;
using Fleet.Shared.Health;
using Fleet.Shared.Models;
using Fleet.Shared.Protocol;
using Fleet.Tests.Device.Storage;

namespace Fleet.Tests.Device.Healing;

/// <summary>Each rung of the ladder, forced by its precondition: it validates, and the ladder climbs only on failure.</summary>
public sealed class RemediationLadderTests : IDisposable
{
    private static readonly IReadOnlyList<HealRung> HardwareLadder = RemediationOptions.Default.LadderFor(Diagnosis.Hardware);
    private readonly TempDirectory _dir = new();
    private readonly Fleet.Shared.Time.ManualTimeProvider _time = DeviceTestKit.Clock();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void RestoreTensors_AfterABitFlip_RewritesOnlyTheChangedChunk_WithoutASessionRebuild()
    {
        using var core = DeviceTestKit.Core(_dir.Path, _time);
        var host = core.Host;
        var w1 = host.Weights["w1"];
        ReferenceModels.FlipBit(w1, 1000, 30);
        var mismatches = host.CheckDigests();
        Assert.Equal("w1", Assert.Single(mismatches).Name);
        Assert.Single(mismatches[0].Chunks);
        Assert.False(host.Validate().Passed);

        var result = Climb(core, HardwareLadder, mismatches);

        Assert.Equal(HealOutcome.Healed, result.Outcome);
        var rung = Assert.Single(result.Rungs);
        Assert.Equal((HealRung.RestoreTensors, ValidationVerdict.Pass), (rung.Rung, rung.Validation));
        Assert.Null(result.Replacement);
        Assert.Empty(host.CheckDigests());
    }

    [Fact]
    public void Reload_WhenTheGoldenSnapshotIsDamagedToo_ClimbsFromRestore()
    {
        using var core = DeviceTestKit.Core(_dir.Path, _time);
        ReferenceModels.FlipBit(core.Host.Weights["w1"], 1000, 30);
        ReferenceModels.FlipBit(core.Host.SnapshotOf("w1"), 1000, 30);

        var result = Climb(core, HardwareLadder, core.Host.CheckDigests());

        Assert.Equal([(HealRung.RestoreTensors, ValidationVerdict.Fail), (HealRung.Reload, ValidationVerdict.Pass)], Steps(result));
        Assert.Contains("snapshot", result.Rungs[0].Detail);
        using var replacement = result.Replacement!;
        Assert.Empty(replacement.CheckDigests());
    }

    [Fact]
    public void Reload_WhenTheArtifactOnDiskIsCorrupt_RewritesItFromTheVerifiedPackageInMemory()
    {
        using var core = DeviceTestKit.Core(_dir.Path, _time);
        var store = core.Catalog!.Store;
        ReferenceModels.FlipBit(core.Host.Weights["w1"], 1000, 30);
        ReferenceModels.FlipBit(core.Host.SnapshotOf("w1"), 1000, 30);
        DeviceTestKit.CorruptArtifact(store, core.Host.StoreKey);

        var result = Climb(core, HardwareLadder, core.Host.CheckDigests());

        Assert.Equal([(HealRung.RestoreTensors, ValidationVerdict.Fail), (HealRung.Reload, ValidationVerdict.Pass)], Steps(result));
        Assert.Contains("rewrote the damaged artifact", result.Rungs[1].Detail);
        Assert.True(store.VerifyArtifact(core.Host.Sha256).IsSuccess);
        using var replacement = result.Replacement!;
        Assert.Equal(core.Host.StoreKey, replacement.StoreKey);
    }

    [Fact]
    public void Rollback_WhenTheActiveArtifactIsCorruptOnDisk_LoadsKnownGood()
    {
        using var core = DeviceTestKit.Core(_dir.Path, _time);
        var catalog = core.Catalog!;
        var newer = DeviceTestKit.Install(catalog, DeviceTestKit.Package(ReferenceModels.Build().Vocoder, "vocoder", "1.1.0"));
        catalog.Store.SetPointer(StorePointer.Active, newer);
        core.Replace(ModelBootstrap.StartActive(catalog).Host!);
        Assert.Equal("1.1.0", core.Host.Package.Card.ModelVersion);
        DamageEveryCopyInMemory(core);
        DeviceTestKit.CorruptArtifact(catalog.Store, newer);

        var result = Climb(core, HardwareLadder, core.Host.CheckDigests());

        Assert.Equal([(HealRung.RestoreTensors, ValidationVerdict.Fail), (HealRung.Reload, ValidationVerdict.Fail), (HealRung.Rollback, ValidationVerdict.Pass)], Steps(result));
        using var replacement = result.Replacement!;
        Assert.Equal(("1.0.0", ModelSource.KnownGood), (replacement.Package.Card.ModelVersion, replacement.Source));
    }

    [Fact]
    public void SafetyModel_WhenActiveIsKnownGoodAndCorrupt_IsNext()
    {
        using var core = DeviceTestKit.Core(_dir.Path, _time);
        DamageEveryCopyInMemory(core);
        DeviceTestKit.CorruptArtifact(core.Catalog!.Store, core.Host.StoreKey);

        var result = Climb(core, HardwareLadder, core.Host.CheckDigests());

        // Rollback is skipped: known-good is the model that failed.
        Assert.Equal([(HealRung.RestoreTensors, ValidationVerdict.Fail), (HealRung.Reload, ValidationVerdict.Fail), (HealRung.SafetyModel, ValidationVerdict.Pass)], Steps(result));
        using var replacement = result.Replacement!;
        Assert.Equal(("vocoder-safety", ModelSource.Safety), (replacement.Package.Card.Id, replacement.Source));
    }

    [Fact]
    public void FactoryDefault_WhenTheSafetyModelIsCorruptToo_IsNext()
    {
        using var core = DeviceTestKit.Core(_dir.Path, _time);
        var catalog = core.Catalog!;
        var newer = DeviceTestKit.Install(catalog, DeviceTestKit.Package(ReferenceModels.Build().Vocoder, "vocoder", "1.1.0"));
        catalog.Store.SetPointer(StorePointer.Active, newer);
        catalog.Store.SetPointer(StorePointer.KnownGood, newer);
        core.Replace(ModelBootstrap.StartActive(catalog).Host!);
        DamageEveryCopyInMemory(core);
        DeviceTestKit.CorruptArtifact(catalog.Store, newer);
        DeviceTestKit.CorruptArtifact(catalog.Store, catalog.Store.ReadPointer(StorePointer.Safety).Value!);

        var result = Climb(core, HardwareLadder, core.Host.CheckDigests());

        // Known-good is the failing 1.1.0, so rollback does not apply; safety fails on disk; the factory default is intact.
        Assert.Equal(
            [(HealRung.RestoreTensors, ValidationVerdict.Fail), (HealRung.Reload, ValidationVerdict.Fail),
             (HealRung.SafetyModel, ValidationVerdict.Fail), (HealRung.FactoryDefault, ValidationVerdict.Pass)],
            Steps(result));
        using var replacement = result.Replacement!;
        Assert.Equal(("1.0.0", ModelSource.Factory), (replacement.Package.Card.ModelVersion, replacement.Source));
    }

    [Fact]
    public void Unhealable_WhenEveryRungFails_KeepsTheOldHostAndSaysSo()
    {
        using var core = DeviceTestKit.Core(_dir.Path, _time);
        var store = core.Catalog!.Store;
        DamageEveryCopyInMemory(core);
        DeviceTestKit.CorruptArtifact(store, core.Host.StoreKey);
        DeviceTestKit.CorruptArtifact(store, store.ReadPointer(StorePointer.Safety).Value!);

        var result = Climb(core, HardwareLadder, core.Host.CheckDigests());

        Assert.Equal(HealOutcome.Unhealable, result.Outcome);
        Assert.All(result.Rungs, r => Assert.Equal(ValidationVerdict.Fail, r.Validation));
        Assert.Null(result.Replacement);
    }

    [Fact]
    public void Unprune_OnAPrunedModel_SwapsInTheDenseParent_ValidatesAgainstItsGoldenSet_AndKeepsServingThePrunedVersion()
    {
        var set = ReferenceModels.Build();
        using var core = DeviceTestKit.Core(_dir.Path, _time);
        var catalog = core.Catalog!;
        var pruned = DeviceTestKit.Install(catalog, DeviceTestKit.Package(set.Pruned, "vocoder", "1.0.1", parent: "1.0.0", mask: set.PrunedMask));
        catalog.Store.SetPointer(StorePointer.Active, pruned);
        core.Replace(ModelBootstrap.StartActive(catalog).Host!);
        Assert.NotNull(core.Host.Package.Mask);
        var zeros = core.Host.Weights["w0"].ToArray().Count(v => v == 0);

        var result = Climb(core, RemediationOptions.Default.LadderFor(Diagnosis.ModelQuality), []);

        Assert.Equal([(HealRung.Unprune, ValidationVerdict.Pass)], Steps(result));
        Assert.Null(result.Replacement);
        // The fleet still sees the version it rolled out (1.0.1, its artifact), noting that the dense parent's weights are in.
        Assert.Equal(("1.0.1", pruned, "1.0.0"), (core.Host.Package.Card.ModelVersion, core.Host.StoreKey, core.Host.UnprunedFrom));
        Assert.Equal(catalog.Store.GetVersion(pruned).Value!.ArtifactSha256, core.Host.Sha256);
        Assert.Equal("1.0.0", core.Host.Reference.Card.ModelVersion);
        Assert.True(core.Host.Weights["w0"].ToArray().Count(v => v == 0) < zeros);
        Assert.Empty(core.Host.CheckDigests());
        Assert.True(core.Host.Validate().Passed);

        var again = Climb(core, RemediationOptions.Default.LadderFor(Diagnosis.ModelQuality), []);
        Assert.DoesNotContain(again.Rungs, r => r.Rung == HealRung.Unprune);
    }

    /// <summary>Live weights, golden snapshot and the loaded package bytes: nothing in memory can rebuild the artifact.</summary>
    private static void DamageEveryCopyInMemory(DeviceCore core)
    {
        ReferenceModels.FlipBit(core.Host.Weights["w1"], 1000, 30);
        ReferenceModels.FlipBit(core.Host.SnapshotOf("w1"), 1000, 30);
        core.Host.Package.Onnx[core.Host.Package.Onnx.Length / 2] ^= 0x5A;
    }

    private LadderResult Climb(DeviceCore core, IReadOnlyList<HealRung> rungs, IReadOnlyList<TensorMismatch> mismatches) =>
        new RemediationLadder(_time).Climb(rungs, new HealContext(core.Host, core.Catalog!, mismatches));

    private static (HealRung, ValidationVerdict)[] Steps(LadderResult result) => [.. result.Rungs.Select(r => (r.Rung, r.Validation))];
}
