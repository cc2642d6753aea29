using System.Diagnostics;
using Fleet.Device.Healing;
using Fleet.Device.Agent;
using Fleet.Device.Core;
using Fleet.Device.Inference;
using Fleet.Device.Monitoring;
using Fleet.Device.Simulation;
using Fleet.Shared.Health;
using Fleet.Shared.Models;
using Fleet.Shared.Onnx;
using Fleet.Shared.Protocol;
using Fleet.Shared.Time;

namespace Fleet.Bench.Suites;

/// <summary>
/// A fault campaign against the real device loop (ONNX Runtime, watchdog, ladder, weight store on disk) in one process:
/// weight bit flips (sign, exponent, mantissa), input drift, thermal throttling, and clean stretches.
/// </summary>
internal sealed class HealingSuite : IBenchSuite
{
    private const double DriftOffset = 0.6;

    private readonly ManualTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddYears(56));

    public string Name => "healing";

    public string Description => "fault campaign: detection rates, false positives, time to detect/heal, heals per fault, monitoring overhead";

    public Task<BenchResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        OnnxRuntime.Initialize();
        context.Progress.WriteLine("healing: building the reference models…");
        _ = ReferenceModels.Build();
        var time = _time;
        double? temperature = 45;
        using var core = DeviceCoreFactory.Create(Path.Combine(context.ScratchDirectory, "device"), WatchdogOptions.Default, RemediationOptions.Default, time, seed: 7, () => temperature);
        var random = new Random(11);
        var faults = context.Scaled(1200, 60);

        WarmUp(core);
        var stats = new CampaignStats();

        // Steady state (tiered JIT done) before anything is measured.
        for (var w = 0; w < context.Scaled(300, 100); w++)
        {
            Window(core, time);
        }

        // Clean run first: every window is a chance for a false positive.
        var cleanWindows = context.Scaled(3000, 300);
        var cleanCloseTicks = core.CloseTicks;
        for (var w = 0; w < cleanWindows; w++)
        {
            var outcome = Window(core, time);
            stats.CleanWindows++;
            stats.FalsePositiveWindows += outcome.Episode is not null || outcome.Verdict.CallsForHeal ? 1 : 0;
        }

        var closeTicks = core.CloseTicks;

        // Overhead against the same loop without the watchdog, alternating so load on the machine hits both alike.
        var windowSize = WatchdogOptions.Default.WindowSize;
        long monitored = 0, bare = 0, bare2 = 0;
        var rounds = context.Scaled(2000, 200);
        var roundOverheads = new List<double>(rounds);
        for (var r = 0; r < rounds; r++)
        {
            time.Advance(TimeSpan.FromSeconds(windowSize / 20.0));
            var t0 = Stopwatch.GetTimestamp();
            core.RunUnmonitored(windowSize);
            var t1 = Stopwatch.GetTimestamp();
            core.RunWindow();
            var t2 = Stopwatch.GetTimestamp();
            core.RunUnmonitored(windowSize);
            var t3 = Stopwatch.GetTimestamp();
            bare += t1 - t0;
            monitored += t2 - t1;
            bare2 += t3 - t2;
            var roundBare = ((t1 - t0) + (t3 - t2)) / 2.0;
            roundOverheads.Add(((t2 - t1) - roundBare) / roundBare);
        }

        var unmonitored = (bare + bare2) / 2.0;
        var overhead = (monitored - unmonitored) / unmonitored;

        for (var i = 0; i < faults && !cancellationToken.IsCancellationRequested; i++)
        {
            var kind = (i % 10) switch
            {
                < 3 => FaultKind.Exponent,
                < 5 => FaultKind.Sign,
                < 6 => FaultKind.Mantissa,
                < 9 => FaultKind.Drift,
                _ => FaultKind.Thermal,
            };
            Inject(core, kind, random, ref temperature, stats);
            // Faults are rare events: let the heal budget's period pass between them.
            time.Advance(TimeSpan.FromMinutes(11));
            if (i % 100 == 0)
            {
                context.Progress.WriteLine($"healing: {i}/{faults} faults");
            }
        }

        // The simulator's other classes: model quality (digests agree, only the outputs show it) and a damaged artifact on disk.
        var injector = new FaultInjector(random, sensors: null);
        for (var i = 0; i < context.Scaled(200, 20) && !cancellationToken.IsCancellationRequested; i++)
        {
            InjectSimulated(core, injector, i % 2 == 0 ? Fleet.Device.Simulation.FaultKind.Quality : Fleet.Device.Simulation.FaultKind.CorruptArtifact, stats);
            time.Advance(TimeSpan.FromMinutes(11));
        }

        var result = new BenchResult()
            .Add("faults_injected", (long)stats.Injected)
            .Add("bitflip_faults", (long)stats.BitflipFaults)
            .Add("bitflip_detection_rate", Rate(stats.BitflipDetected, stats.BitflipFaults))
            .Add("bitflip_detected_within_one_digest_period_rate", Rate(stats.BitflipWithinPeriod, stats.BitflipFaults))
            .Add("bitflip_healed_golden_validated_rate", Rate(stats.BitflipHealed, stats.BitflipFaults))
            .Add("mantissa_flip_detection_rate", Rate(stats.MantissaDetected, stats.MantissaFaults))
            .Add("drift_faults", (long)stats.DriftFaults)
            .Add("drift_offset", DriftOffset)
            .Add("drift_detection_rate", Rate(stats.DriftDetected, stats.DriftFaults))
            .Add("drift_detected_within_3_windows_rate", Rate(stats.DriftWithin3, stats.DriftFaults))
            .Add("quality_faults", (long)stats.QualityFaults)
            .Add("quality_diagnosed_model_quality_rate", Rate(stats.QualityDiagnosed, stats.QualityFaults))
            .Add("quality_healed_rate", Rate(stats.QualityHealed, stats.QualityFaults))
            .Add("artifact_faults", (long)stats.ArtifactFaults)
            .Add("artifact_healed_rate", Rate(stats.ArtifactHealed, stats.ArtifactFaults))
            .Add("thermal_faults", (long)stats.ThermalFaults)
            .Add("thermal_diagnosed_compute_rate", Rate(stats.ThermalDiagnosed, stats.ThermalFaults))
            .Add("clean_windows", (long)stats.CleanWindows)
            .Add("false_positive_window_rate", Rate(stats.FalsePositiveWindows, stats.CleanWindows))
            .Add("time_to_detect_p99_windows", Percentile(stats.DetectWindows, 0.99))
            .Add("time_to_heal_p50_ms", Percentile(stats.HealMs, 0.50))
            .Add("time_to_heal_p99_ms", Percentile(stats.HealMs, 0.99))
            .Add("restore_heal_p99_ms", Percentile(stats.RestoreMs, 0.99))
            .Add("heals_per_persistent_fault", stats.PersistentFaults == 0 ? 0 : stats.PersistentEpisodes / (double)stats.PersistentFaults)
            .Add("monitoring_overhead_pct", 100 * overhead)
            // The same rounds, median of each round's own ratio: a preemption on a shared machine lands in one round only.
            .Add("monitoring_overhead_pct_round_median", 100 * Percentile(roundOverheads, 0.50))
            .Add("inference_us_mean", Stopwatch.GetElapsedTime(0, (long)unmonitored).TotalMicroseconds / (rounds * windowSize))
            .Add("monitoring_us_mean", Stopwatch.GetElapsedTime(0, (long)(monitored - unmonitored)).TotalMicroseconds / (rounds * windowSize))
            .Add("window_close_us_mean", Stopwatch.GetElapsedTime(0, closeTicks - cleanCloseTicks).TotalMicroseconds / cleanWindows)
            .Add("sample_every", (long)WatchdogOptions.Default.SampleEvery)
            .Add("window_size", (long)WatchdogOptions.Default.WindowSize)
            .Add("inferences", core.Inferences);
        return Task.FromResult(result);
    }

    private void WarmUp(DeviceCore core)
    {
        for (var w = 0; w < WatchdogOptions.Default.WarmUpWindows * 3; w++)
        {
            Window(core, _time);
        }
    }

    private static WindowOutcome Window(DeviceCore core, ManualTimeProvider time)
    {
        // One window of frames at 20 frames/s.
        time.Advance(TimeSpan.FromSeconds(WatchdogOptions.Default.WindowSize / 20.0));
        return core.RunWindow();
    }

    private void Inject(DeviceCore core, FaultKind kind, Random random, ref double? temperature, CampaignStats stats)
    {
        stats.Injected++;
        var episodes = 0;
        int? detectedAt = null;
        var healed = false;
        var diagnosedCompute = false;
        const int faultWindows = 8;
        switch (kind)
        {
            case FaultKind.Exponent or FaultKind.Sign or FaultKind.Mantissa:
                var tensors = core.Host.Weights.Names;
                var tensor = core.Host.Weights[tensors[random.Next(tensors.Count)]];
                var bit = kind switch
                {
                    FaultKind.Sign => 31,
                    FaultKind.Exponent => 23 + random.Next(8),
                    _ => random.Next(23),
                };
                ReferenceModels.FlipBit(tensor, random.Next(tensor.Length), bit);
                break;
            case FaultKind.Drift:
                core.Input.Offset[random.Next(3)] = (float)DriftOffset;
                break;
            case FaultKind.Thermal:
                temperature = 92;
                break;
        }

        for (var w = 1; w <= faultWindows; w++)
        {
            var outcome = Window(core, _time);
            if (outcome.Episode is { } episode)
            {
                episodes++;
                detectedAt ??= w;
                diagnosedCompute |= episode.Heal?.Diagnosis == Diagnosis.Compute || episode.Insight?.Diagnosis == Diagnosis.Compute;
                if (episode.Heal is { Outcome: HealOutcome.Healed } heal)
                {
                    healed = true;
                    stats.HealMs.Add(outcome.HealDuration.TotalMilliseconds);
                    if (heal.Rungs is [{ Rung: HealRung.RestoreTensors }])
                    {
                        stats.RestoreMs.Add(outcome.HealDuration.TotalMilliseconds);
                    }
                }
            }

            if (kind is FaultKind.Exponent or FaultKind.Sign or FaultKind.Mantissa && healed)
            {
                break;
            }
        }

        switch (kind)
        {
            case FaultKind.Exponent or FaultKind.Sign:
                stats.BitflipFaults++;
                stats.BitflipDetected += detectedAt is not null ? 1 : 0;
                stats.BitflipWithinPeriod += detectedAt <= WatchdogOptions.Default.DigestPeriodWindows ? 1 : 0;
                stats.BitflipHealed += healed && core.Host.Validate().Passed && core.Host.CheckDigests().Count == 0 ? 1 : 0;
                break;
            case FaultKind.Mantissa:
                stats.MantissaFaults++;
                stats.MantissaDetected += detectedAt is not null ? 1 : 0;
                break;
            case FaultKind.Drift:
                stats.DriftFaults++;
                stats.DriftDetected += detectedAt is not null ? 1 : 0;
                stats.DriftWithin3 += detectedAt <= 3 ? 1 : 0;
                Array.Clear(core.Input.Offset);
                break;
            case FaultKind.Thermal:
                stats.ThermalFaults++;
                stats.ThermalDiagnosed += diagnosedCompute ? 1 : 0;
                temperature = 45;
                break;
        }

        if (detectedAt is { } d)
        {
            stats.DetectWindows.Add(d);
        }

        if (kind is FaultKind.Drift or FaultKind.Thermal)
        {
            stats.PersistentFaults++;
            stats.PersistentEpisodes += episodes;
        }

        // Back to the primary model and quiet inputs before the next fault.
        Restore(core);
    }

    private void InjectSimulated(DeviceCore core, FaultInjector injector, Fleet.Device.Simulation.FaultKind kind, CampaignStats stats)
    {
        stats.Injected++;
        injector.Inject(new Fault(kind, null), core, core.Catalog!.Store);
        var quality = kind == Fleet.Device.Simulation.FaultKind.Quality;
        stats.QualityFaults += quality ? 1 : 0;
        stats.ArtifactFaults += quality ? 0 : 1;
        for (var w = 1; w <= 4; w++)
        {
            var outcome = Window(core, _time);
            // The agent scrubs its artifact every few windows; here after every window.
            var episode = outcome.Episode ?? (quality ? null : core.ScrubArtifact(outcome.Verdict));
            if (episode?.Heal is not { } heal)
            {
                continue;
            }

            var healed = heal.Outcome == HealOutcome.Healed && core.Host.Validate().Passed;
            if (quality)
            {
                stats.QualityDiagnosed += heal.Diagnosis == Diagnosis.ModelQuality ? 1 : 0;
                stats.QualityHealed += healed ? 1 : 0;
            }
            else
            {
                stats.ArtifactHealed += healed && heal.Trigger == "artifact" && core.Catalog!.Store.VerifyArtifact(core.Host.Sha256).IsSuccess ? 1 : 0;
            }

            break;
        }

        Restore(core);
    }

    private void Restore(DeviceCore core)
    {
        if (core.Host.Source != ModelSource.Active)
        {
            var (host, _) = ModelBootstrap.StartActive(core.Catalog!);
            core.Replace(host!);
        }

        for (var w = 0; w < 4; w++)
        {
            Window(core, _time);
        }
    }

    private static double Rate(int hits, int total) => total == 0 ? double.NaN : hits / (double)total;

    private static double Percentile(List<double> values, double q)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        values.Sort();
        return values[Math.Min(values.Count - 1, (int)Math.Ceiling(q * values.Count) - 1)];
    }

    private enum FaultKind
    {
        Exponent,
        Sign,
        Mantissa,
        Drift,
        Thermal,
    }

    private sealed class CampaignStats
    {
        public int Injected;
        public int BitflipFaults;
        public int BitflipDetected;
        public int BitflipWithinPeriod;
        public int BitflipHealed;
        public int MantissaFaults;
        public int MantissaDetected;
        public int DriftFaults;
        public int DriftDetected;
        public int DriftWithin3;
        public int ThermalFaults;
        public int QualityFaults;
        public int QualityDiagnosed;
        public int QualityHealed;
        public int ArtifactFaults;
        public int ArtifactHealed;
        public int ThermalDiagnosed;
        public int CleanWindows;
        public int FalsePositiveWindows;
        public int PersistentFaults;
        public int PersistentEpisodes;
        public List<double> DetectWindows { get; } = [];
        public List<double> HealMs { get; } = [];
        public List<double> RestoreMs { get; } = [];
    }
}
