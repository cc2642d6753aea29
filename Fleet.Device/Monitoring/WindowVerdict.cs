using Fleet.Shared.Health;

namespace Fleet.Device.Monitoring;

/// <summary>What the watchdog saw in one window, and whether it calls for a heal.</summary>
internal sealed record WindowVerdict(
    long Window,
    HealTrigger Trigger,
    double Kl,
    double KlThreshold,
    double InputShift,
    double InputShiftThreshold,
    double ActivationScore,
    double LatencyP50Us,
    double LatencyP99Us,
    double HealthyLatencyP99Us,
    double? TemperatureC,
    IReadOnlyList<TensorMismatch> Mismatches,
    bool DigestChecked,
    bool Warm,
    bool AnyExceeding)
{
    public bool CallsForHeal => Trigger != HealTrigger.None;

    /// <summary>Evidence for the diagnoser.</summary>
    public DiagnosisInput Evidence() => new(Mismatches.Count, InputShift, LatencyP99Us, HealthyLatencyP99Us, TemperatureC);
}
