namespace Fleet.Gateway.Rollouts;

/// <summary>
/// Model-quality metrics of a set of devices on one version over a window, from their twins: mean KL, heal episodes,
/// golden validations, p99 latency, and devices whose update failed (rolled back, refused) or ended unhealable.
/// </summary>
internal sealed record QualitySample(int Devices, double? KlMean, int Heals, TimeSpan Window, int GoldenFailures, double? LatencyP99Us, int Failed)
{
    /// <summary>Heal episodes per device-hour.</summary>
    public double HealRate => Devices == 0 || Window <= TimeSpan.Zero ? 0 : Heals / (Devices * Window.TotalHours);
}
