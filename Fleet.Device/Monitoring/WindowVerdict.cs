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
    double HealthyLatencyP50Us,
    double? TemperatureC,
    IReadOnlyList<TensorMismatch> Mismatches,
    bool DigestChecked,
    bool Warm,
    bool AnyExceeding,
    IReadOnlyList<HealTrigger> Firing)
{
    public bool CallsForHeal => Trigger != HealTrigger.None;

    /// <summary>Evidence for the diagnoser.</summary>
    /// <remarks>The latency evidence is the window median against the healthy median (robust to a busy neighbour).</remarks>
    public DiagnosisInput Evidence() => new(Mismatches.Count, InputShift, LatencyP50Us, HealthyLatencyP50Us, TemperatureC);
}
