using System.Globalization;

namespace Fleet.Gateway.Rollouts;

/// <summary>
/// Judges a wave: abort at once when the failure share crosses the policy's limit (after its minimum device count);
/// otherwise wait out the soak, then compare KL, heal rate and latency with the previous version's baseline and require
/// clean golden validations. Pure; time is passed in.
/// </summary>
internal static class RolloutGates
{
    public static GateVerdict Evaluate(QualitySample candidate, QualitySample baseline, RolloutPolicy policy, DateTimeOffset soakStarted, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(policy);
        if (candidate.Devices >= policy.MinDevicesForAbort && candidate.Devices > 0
            && (double)candidate.Failed / candidate.Devices >= policy.AbortFailureShare)
        {
            return new GateVerdict(GateDecision.Fail, [Format($"{candidate.Failed} of {candidate.Devices} devices failed the update (limit {policy.AbortFailureShare:P0})")]);
        }

        if (now - soakStarted < policy.Soak)
        {
            return GateVerdict.Wait(Format($"soaking until {soakStarted + policy.Soak:O}"));
        }

        var reasons = new List<string>();
        if (candidate.KlMean is { } kl && baseline.KlMean is { } baseKl && kl > Math.Max(baseKl, 1e-6) * policy.MaxKlRatio)
        {
            reasons.Add(Format($"mean KL {kl:0.####} exceeds {policy.MaxKlRatio}× the baseline {baseKl:0.####}"));
        }

        var baseHealRate = Math.Max(baseline.HealRate, baseline.Window > TimeSpan.Zero && baseline.Devices > 0 ? 1 / (baseline.Devices * baseline.Window.TotalHours) : 0);
        if (candidate.HealRate > baseHealRate * policy.MaxHealRateRatio)
        {
            reasons.Add(Format($"heal rate {candidate.HealRate:0.###}/device-hour exceeds {policy.MaxHealRateRatio}× the baseline {baseline.HealRate:0.###}"));
        }

        if (candidate.LatencyP99Us is { } latency && baseline.LatencyP99Us is { } baseLatency && latency > baseLatency * policy.MaxLatencyRatio)
        {
            reasons.Add(Format($"p99 latency {latency:0} µs exceeds {policy.MaxLatencyRatio}× the baseline {baseLatency:0} µs"));
        }

        if (policy.RequireGoldenPass && candidate.GoldenFailures > 0)
        {
            reasons.Add(Format($"{candidate.GoldenFailures} golden validations failed"));
        }

        return reasons.Count == 0 ? new GateVerdict(GateDecision.Pass, []) : new GateVerdict(GateDecision.Fail, reasons);
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
