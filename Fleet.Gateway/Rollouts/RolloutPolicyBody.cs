namespace Fleet.Gateway.Rollouts;

/// <summary>
/// A <see cref="RolloutPolicy"/> as JSON (the <c>policy</c> of <c>POST /api/v1/rollouts</c>, of the rollout view and of the
/// stored plan): every field optional, an absent one keeps the default.
/// </summary>
internal sealed record RolloutPolicyBody
{
    public int? CanaryDevices { get; init; }

    public double? CanaryShare { get; init; }

    public double? WaveGrowth { get; init; }

    public double? SoakSeconds { get; init; }

    public int? MaxConcurrentUpdates { get; init; }

    public double? AbortFailureShare { get; init; }

    public int? MinDevicesForAbort { get; init; }

    public double? MaxKlRatio { get; init; }

    public double? MaxHealRateRatio { get; init; }

    public double? MaxLatencyRatio { get; init; }

    public bool? RequireGoldenPass { get; init; }

    /// <summary>The policy: <paramref name="defaults"/> overridden by the fields present here.</summary>
    public RolloutPolicy ApplyTo(RolloutPolicy defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        return defaults with
        {
            CanaryDevices = CanaryDevices ?? defaults.CanaryDevices,
            CanaryShare = CanaryShare ?? defaults.CanaryShare,
            WaveGrowth = WaveGrowth ?? defaults.WaveGrowth,
            Soak = SoakSeconds is { } soak ? Seconds(soak) : defaults.Soak,
            MaxConcurrentUpdates = MaxConcurrentUpdates ?? defaults.MaxConcurrentUpdates,
            AbortFailureShare = AbortFailureShare ?? defaults.AbortFailureShare,
            MinDevicesForAbort = MinDevicesForAbort ?? defaults.MinDevicesForAbort,
            MaxKlRatio = MaxKlRatio ?? defaults.MaxKlRatio,
            MaxHealRateRatio = MaxHealRateRatio ?? defaults.MaxHealRateRatio,
            MaxLatencyRatio = MaxLatencyRatio ?? defaults.MaxLatencyRatio,
            RequireGoldenPass = RequireGoldenPass ?? defaults.RequireGoldenPass,
        };
    }

    /// <summary>Every field of <paramref name="policy"/>.</summary>
    public static RolloutPolicyBody From(RolloutPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new RolloutPolicyBody
        {
            CanaryDevices = policy.CanaryDevices,
            CanaryShare = policy.CanaryShare,
            WaveGrowth = policy.WaveGrowth,
            SoakSeconds = policy.Soak.TotalSeconds,
            MaxConcurrentUpdates = policy.MaxConcurrentUpdates,
            AbortFailureShare = policy.AbortFailureShare,
            MinDevicesForAbort = policy.MinDevicesForAbort,
            MaxKlRatio = policy.MaxKlRatio,
            MaxHealRateRatio = policy.MaxHealRateRatio,
            MaxLatencyRatio = policy.MaxLatencyRatio,
            RequireGoldenPass = policy.RequireGoldenPass,
        };
    }

    // A soak beyond a year, NaN or infinity is left to Validate (as a negative value would be), not thrown here.
    private static TimeSpan Seconds(double seconds) =>
        double.IsFinite(seconds) && Math.Abs(seconds) < 366 * 86400 ? TimeSpan.FromSeconds(seconds) : TimeSpan.MinValue;
}
