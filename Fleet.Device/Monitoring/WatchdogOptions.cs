using Fleet.Shared.Health;

namespace Fleet.Device.Monitoring;

/// <summary>How the watchdog observes: window length, digest period, thresholds and the persistence filter.</summary>
/// <param name="WindowSize">Inferences per window.</param>
/// <param name="DigestPeriodWindows">Live weights are digested every this many windows (1 = every window).</param>
/// <param name="WarmUpWindows">Healthy windows learned (input baseline, activation baseline, thresholds) before statistical triggers arm.</param>
/// <param name="PersistenceRequired">k: windows out of the last n that must exceed before a statistical trigger fires.</param>
/// <param name="PersistenceWindow">n of the persistence filter.</param>
/// <param name="Kl">Dynamic threshold of the output KL divergence (nats).</param>
/// <param name="InputShift">Dynamic threshold of the input drift score (baseline standard deviations).</param>
/// <param name="Activations">Dynamic threshold of the hidden-activation anomaly score.</param>
/// <param name="LatencyRatio">p99 latency above this multiple of the healthy p99 counts as exceeding.</param>
/// <param name="TemperatureLimitC">Temperature at or above this counts as exceeding.</param>
/// <param name="SampleEvery">One inference in this many enters the window statistics (inputs, output frame, hidden activations, latency); digests always cover every weight.</param>
/// <param name="ArtifactCheckWindows">The running version's artifact on disk is re-hashed every this many windows (the agent's scrub; a damaged one is healed).</param>
internal sealed record WatchdogOptions(
    int WindowSize,
    int DigestPeriodWindows,
    int WarmUpWindows,
    int PersistenceRequired,
    int PersistenceWindow,
    DynamicThresholdOptions Kl,
    DynamicThresholdOptions InputShift,
    DynamicThresholdOptions Activations,
    double LatencyRatio,
    double TemperatureLimitC,
    int SampleEvery = 8,
    int ArtifactCheckWindows = 6)
{
    public static WatchdogOptions Default { get; } = new(
        WindowSize: 200,
        DigestPeriodWindows: 1,
        WarmUpWindows: 10,
        PersistenceRequired: 2,
        PersistenceWindow: 3,
        Kl: new DynamicThresholdOptions(Percentile: 0.99, Margin: 2.0, Floor: 0.05, WarmUpCount: 10, InitialThreshold: 0.5),
        InputShift: new DynamicThresholdOptions(Percentile: 0.99, Margin: 2.0, Floor: 0.75, WarmUpCount: 10, InitialThreshold: 1.5),
        Activations: new DynamicThresholdOptions(Percentile: 0.99, Margin: 2.0, Floor: 1.0, WarmUpCount: 10, InitialThreshold: 3.0),
        LatencyRatio: 3.0,
        TemperatureLimitC: 80.0);

    public WatchdogOptions Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(WindowSize, 10, nameof(WindowSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(WindowSize / Math.Max(1, SampleEvery), 10, nameof(SampleEvery));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(DigestPeriodWindows, nameof(DigestPeriodWindows));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(WarmUpWindows, nameof(WarmUpWindows));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(PersistenceRequired, nameof(PersistenceRequired));
        ArgumentOutOfRangeException.ThrowIfLessThan(PersistenceWindow, PersistenceRequired, nameof(PersistenceWindow));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PersistenceWindow, 64, nameof(PersistenceWindow));
        ArgumentNullException.ThrowIfNull(Kl);
        ArgumentNullException.ThrowIfNull(InputShift);
        ArgumentNullException.ThrowIfNull(Activations);
        Kl.Validate();
        InputShift.Validate();
        Activations.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LatencyRatio, 1.0, nameof(LatencyRatio));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(SampleEvery, nameof(SampleEvery));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ArtifactCheckWindows, nameof(ArtifactCheckWindows));
        return this;
    }
}
