namespace Fleet.Gateway.Rollouts;

/// <summary>
/// How a model version reaches the fleet (<c>Fleet:Rollouts</c>, and per rollout in <c>POST /api/v1/rollouts</c>): a canary,
/// then waves growing by <see cref="WaveGrowth"/>, each gated on model quality against the previous version's baseline
/// over <see cref="Soak"/>. Policy as data; <see cref="Validate"/> lists every problem.
/// </summary>
internal sealed record RolloutPolicy
{
    /// <summary>Devices in the canary wave (at least this many).</summary>
    public int CanaryDevices { get; init; } = 1;

    /// <summary>Share of the fleet in the canary wave (0 … 1); the canary is the larger of this and <see cref="CanaryDevices"/>.</summary>
    public double CanaryShare { get; init; }

    /// <summary>Each wave after the canary is this many times the previous one.</summary>
    public double WaveGrowth { get; init; } = 2;

    /// <summary>How long a wave's devices run the new version before its gates are judged.</summary>
    public TimeSpan Soak { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Disruption budget: devices updating (desired state sent, outcome not yet known) at once.</summary>
    public int MaxConcurrentUpdates { get; init; } = 50;

    /// <summary>Abort when this share of the devices that reported an outcome failed (rolled back, refused, unhealable) …</summary>
    public double AbortFailureShare { get; init; } = 0.2;

    /// <summary>… once at least this many devices reported.</summary>
    public int MinDevicesForAbort { get; init; } = 1;

    /// <summary>Largest allowed ratio of the candidate's mean KL to the baseline's.</summary>
    public double MaxKlRatio { get; init; } = 1.5;

    /// <summary>Largest allowed ratio of heal episodes per device-hour (candidate / baseline; a zero baseline counts as one heal per fleet).</summary>
    public double MaxHealRateRatio { get; init; } = 2;

    /// <summary>Largest allowed ratio of the candidate's p99 latency to the baseline's.</summary>
    public double MaxLatencyRatio { get; init; } = 1.5;

    /// <summary>Every golden validation on the candidate must pass.</summary>
    public bool RequireGoldenPass { get; init; } = true;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (CanaryDevices < 1)
        {
            problems.Add("CanaryDevices must be at least 1.");
        }

        if (CanaryShare is < 0 or > 1 || double.IsNaN(CanaryShare))
        {
            problems.Add("CanaryShare must be within 0 … 1.");
        }

        if (!(WaveGrowth >= 1) || double.IsInfinity(WaveGrowth))
        {
            problems.Add("WaveGrowth must be at least 1.");
        }

        if (Soak < TimeSpan.Zero)
        {
            problems.Add("Soak must not be negative.");
        }

        if (MaxConcurrentUpdates < 1)
        {
            problems.Add("MaxConcurrentUpdates must be at least 1.");
        }

        if (AbortFailureShare is <= 0 or > 1 || double.IsNaN(AbortFailureShare))
        {
            problems.Add("AbortFailureShare must be within (0, 1].");
        }

        if (MinDevicesForAbort < 1)
        {
            problems.Add("MinDevicesForAbort must be at least 1.");
        }

        if (!(MaxKlRatio >= 1) || !(MaxHealRateRatio >= 1) || !(MaxLatencyRatio >= 1))
        {
            problems.Add("MaxKlRatio, MaxHealRateRatio and MaxLatencyRatio must be at least 1.");
        }

        return problems;
    }
}
