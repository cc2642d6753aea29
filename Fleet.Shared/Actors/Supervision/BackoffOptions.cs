namespace Fleet.Shared.Actors.Supervision;

/// <summary>Configuration of a <see cref="BackoffSupervisor"/>.</summary>
/// <remarks>
/// The n-th consecutive restart (n from 0) waits <c>min(MaxBackoff, MinBackoff × 2ⁿ) × (1 + r × RandomFactor)</c>
/// with r uniform in [0, 1) — as Akka.NET, the jitter applies after the cap, so a delay may exceed
/// <see cref="MaxBackoff"/> by up to the random factor. After the child has run for <see cref="ResetBackoffAfter"/>
/// without stopping, n returns to 0.
/// </remarks>
public sealed record BackoffOptions
{
    /// <summary>Props of the supervised child.</summary>
    public required Props ChildProps { get; init; }

    /// <summary>Name of the child (stable across restarts).</summary>
    public required string ChildName { get; init; }

    /// <summary>Delay before the first restart.</summary>
    public required TimeSpan MinBackoff { get; init; }

    /// <summary>Largest delay before jitter.</summary>
    public required TimeSpan MaxBackoff { get; init; }

    /// <summary>Jitter: up to this fraction is added to each delay. Default 0.2.</summary>
    public double RandomFactor { get; init; } = 0.2;

    /// <summary>How long the child must run to reset the backoff; <see langword="null"/> means <see cref="MinBackoff"/>.</summary>
    public TimeSpan? ResetBackoffAfter { get; init; }

    /// <summary>Source of jitter; <see langword="null"/> means <see cref="Random.Shared"/>. Seed it for reproducible runs.</summary>
    public Random? Random { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(ChildProps);
        ArgumentException.ThrowIfNullOrWhiteSpace(ChildName);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MinBackoff, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBackoff, MinBackoff);
        ArgumentOutOfRangeException.ThrowIfNegative(RandomFactor);
        if (ResetBackoffAfter is { } reset)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(reset, TimeSpan.Zero);
        }
    }

    /// <summary>The delay before restart number <paramref name="restartCount"/> (0-based).</summary>
    internal TimeSpan Delay(int restartCount)
    {
        var capped = Math.Min(MaxBackoff.Ticks, MinBackoff.Ticks * Math.Pow(2, Math.Min(restartCount, 62)));
        var jitter = 1.0 + ((Random ?? Random.Shared).NextDouble() * RandomFactor);
        return TimeSpan.FromTicks((long)(capped * jitter));
    }
}
