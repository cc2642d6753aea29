namespace Fleet.Gateway.Rollouts;

/// <summary>Splits a fleet into waves: the canary, then waves growing by the policy's factor until every device is in one. Pure.</summary>
internal static class RolloutPlanner
{
    /// <summary>The wave sizes for <paramref name="devices"/> devices; they sum to <paramref name="devices"/>.</summary>
    public static IReadOnlyList<int> WaveSizes(int devices, RolloutPolicy policy)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(devices);
        ArgumentNullException.ThrowIfNull(policy);
        var waves = new List<int>();
        var remaining = devices;
        var size = (double)Math.Max(policy.CanaryDevices, (int)Math.Ceiling(policy.CanaryShare * devices));
        while (remaining > 0)
        {
            var wave = (int)Math.Min(remaining, Math.Ceiling(size));
            waves.Add(wave);
            remaining -= wave;
            size = Math.Max(size * policy.WaveGrowth, wave + 1);
        }

        return waves;
    }

    /// <summary>The devices of each wave: <paramref name="devices"/> in a stable order (by id), cut by <see cref="WaveSizes"/>.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Waves(IEnumerable<string> devices, RolloutPolicy policy)
    {
        var ordered = devices.Order(StringComparer.Ordinal).ToList();
        var waves = new List<IReadOnlyList<string>>();
        var start = 0;
        foreach (var size in WaveSizes(ordered.Count, policy))
        {
            waves.Add(ordered.GetRange(start, size));
            start += size;
        }

        return waves;
    }
}
