namespace Fleet.Gateway.Rollouts;

/// <summary>A <see cref="QualitySample"/> in storable form (the window in seconds).</summary>
internal sealed record BaselineSample(int Devices, double? KlMean, int Heals, double WindowSeconds, int GoldenFailures, double? LatencyP99Us, int Failed)
{
    public QualitySample ToSample() => new(Devices, KlMean, Heals, TimeSpan.FromSeconds(WindowSeconds), GoldenFailures, LatencyP99Us, Failed);

    public static BaselineSample From(QualitySample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return new(sample.Devices, sample.KlMean, sample.Heals, sample.Window.TotalSeconds, sample.GoldenFailures, sample.LatencyP99Us, sample.Failed);
    }
}
