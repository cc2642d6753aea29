using Fleet.Gateway.Rollouts;
using Fleet.Gateway.Store.Rollouts;
using Fleet.Shared.Protocol;
using Fleet.Shared.Time;

namespace Fleet.Tests.Gateway.Rollouts;

/// <summary>The rollout's pure parts: how a twin's reports become a device outcome, how waves read, and the stored plan.</summary>
public sealed class RolloutStateTests
{
    private static readonly ModelInfo Old = new() { Id = "vocoder", Version = "1.0.0", Source = ModelSource.Active };

    private static DeviceQuality Twin(UpdateEvent? update = null, CannotApply? refused = null, string desired = "1.1.0", int desiredVersion = 4) =>
        new("d1", true, desiredVersion, desired, new ReportMessage { Health = DeviceHealth.Healthy, Model = Old, CannotApply = refused }, update, null, null);

    private static UpdateEvent Update(UpdateOutcome outcome, string version = "1.1.0", long desiredVersion = 4) =>
        new() { Seq = 1, DesiredVersion = desiredVersion, ModelVersion = version, Outcome = outcome };

    [Fact]
    public void Classify_ReadsTheDevicesOutcomeForTheVersion_AndWaitsWhileItIsInFlight()
    {
        Assert.Equal(DeviceOutcomes.Committed, RolloutDriver.Classify(Twin(Update(UpdateOutcome.Committed)), "1.1.0", timedOut: false));
        Assert.Equal(DeviceOutcomes.Failed, RolloutDriver.Classify(Twin(Update(UpdateOutcome.RolledBack)), "1.1.0", timedOut: false));
        Assert.Equal(DeviceOutcomes.Failed, RolloutDriver.Classify(Twin(Update(UpdateOutcome.Refused, version: "1.1.0")), "1.1.0", timedOut: false));
        Assert.Equal(DeviceOutcomes.Failed, RolloutDriver.Classify(Twin(refused: new CannotApply { Version = 4, Reason = "signature" }), "1.1.0", timedOut: false));
        Assert.Null(RolloutDriver.Classify(Twin(), "1.1.0", timedOut: false));
        Assert.Equal(DeviceOutcomes.Failed, RolloutDriver.Classify(Twin(), "1.1.0", timedOut: true));
    }

    [Fact]
    public void Classify_IgnoresOutcomesOfOtherVersionsAndOlderDesiredStates()
    {
        // A commit of the version the device ran before, and a refusal of an older desired state, say nothing about this update.
        Assert.Null(RolloutDriver.Classify(Twin(Update(UpdateOutcome.Committed, version: "1.0.0")), "1.1.0", timedOut: false));
        Assert.Null(RolloutDriver.Classify(Twin(Update(UpdateOutcome.Refused, desiredVersion: 3)), "1.1.0", timedOut: false));
        Assert.Null(RolloutDriver.Classify(Twin(refused: new CannotApply { Version = 3, Reason = "old" }), "1.1.0", timedOut: false));
    }

    [Fact]
    public void Views_ShowPassedUpdatingAndWaitingWaves_WithTheSoakEndOnceAWaveReported()
    {
        var clock = new ManualTimeProvider();
        var plan = Plan(["a"], ["b", "c"], ["d"]);
        var record = Record(RolloutState.Running, wave: 1, clock.GetUtcNow());
        var results = Results(clock.GetUtcNow(), ("a", 0, DeviceOutcomes.Committed), ("b", 1, DeviceOutcomes.Committed), ("c", 1, DeviceOutcomes.Updating));

        var view = RolloutViews.Build(record, plan, results, new Dictionary<int, GateVerdict>());
        Assert.Equal("running", view.State);
        Assert.Equal(["passed", "updating", "waiting"], view.Waves.Select(w => w.State));
        Assert.Equal("pass", view.Waves[0].Gate!.Decision);
        Assert.Equal(new DeviceCounts(4, 1, 1, 2, 0, 0), view.Devices);

        clock.Advance(TimeSpan.FromSeconds(5));
        results["c"] = new RolloutDeviceResult("r", "c", 1, DeviceOutcomes.Failed, clock.GetUtcNow());
        var soaking = RolloutViews.Build(record, plan, results, new Dictionary<int, GateVerdict>());
        Assert.Equal("soaking", soaking.Waves[1].State);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(30), soaking.Waves[1].SoakEndsAt);
        Assert.Equal(1, soaking.Waves[1].Failed);
    }

    [Fact]
    public void Views_OfARolledBackRollout_FailTheCurrentWave_WithTheStoredReason()
    {
        var now = DateTimeOffset.UnixEpoch;
        var record = Record(RolloutState.RolledBack, wave: 0, now) with { Reason = "wave 0 failed its gates: heal rate" };
        var view = RolloutViews.Build(record, Plan(["a"], ["b"]), Results(now, ("a", 0, DeviceOutcomes.RolledBack)), new Dictionary<int, GateVerdict>());
        Assert.Equal("rolledBack", view.State);
        Assert.Equal(["failed", "waiting"], view.Waves.Select(w => w.State));
        Assert.Equal("fail", view.Waves[0].Gate!.Decision);
        Assert.Equal(["wave 0 failed its gates: heal rate"], view.Waves[0].Gate!.Reasons);
        Assert.Equal(1, view.Devices.RolledBack);
    }

    [Fact]
    public void Plan_RoundTripsThroughItsStoredJson_AndItsPolicyOverridesOnlyWhatWasSent()
    {
        var body = new RolloutPolicyBody { CanaryDevices = 3, SoakSeconds = 30 };
        var policy = body.ApplyTo(new RolloutPolicy());
        Assert.Equal(3, policy.CanaryDevices);
        Assert.Equal(TimeSpan.FromSeconds(30), policy.Soak);
        Assert.Equal(new RolloutPolicy().WaveGrowth, policy.WaveGrowth);

        var plan = new RolloutPlan(RolloutPolicyBody.From(policy), "1.0.0", [["a", "b", "c"], ["d"]], new BaselineSample(4, 0.02, 1, 3600, 0, 400, 0));
        var back = RolloutPlan.FromJson(plan.ToJson());
        Assert.Equal(policy, back.ResolvePolicy());
        Assert.Equal("1.0.0", back.FromVersion);
        Assert.Equal(["d"], back.Waves[1]);
        Assert.Equal(plan.Baseline, back.Baseline);
        Assert.Equal(TimeSpan.FromHours(1), back.Baseline.ToSample().Window);
    }

    [Fact]
    public void PolicyBody_WithAnUnrepresentableSoak_IsRefusedByValidation()
    {
        Assert.Contains("Soak must not be negative.", new RolloutPolicyBody { SoakSeconds = double.PositiveInfinity }.ApplyTo(new RolloutPolicy()).Validate());
        Assert.Contains("Soak must not be negative.", new RolloutPolicyBody { SoakSeconds = -1 }.ApplyTo(new RolloutPolicy()).Validate());
    }

    private static RolloutPlan Plan(params string[][] waves) =>
        new(RolloutPolicyBody.From(new RolloutPolicy { Soak = TimeSpan.FromSeconds(30) }), "1.0.0", waves, new BaselineSample(waves.Sum(w => w.Length), null, 0, 3600, 0, null, 0));

    private static RolloutRecord Record(RolloutState state, int wave, DateTimeOffset now) =>
        new("r", "vocoder", "1.1.0", state, "{}", wave, null, 3, now, now);

    private static Dictionary<string, RolloutDeviceResult> Results(DateTimeOffset time, params (string Id, int Wave, string Outcome)[] results) =>
        results.ToDictionary(r => r.Id, r => new RolloutDeviceResult("r", r.Id, r.Wave, r.Outcome, time), StringComparer.Ordinal);
}
