namespace Fleet.Gateway.Insights;

/// <summary>
/// The fleet's robust summary of where a model version fails: per feature the coordinate-wise median of the device
/// centroids, the trimmed mean of their spreads and the coordinate-wise median of their normalised histograms
/// (bin fractions summing to 1). <see cref="Devices"/> sketches of width <see cref="Centroid"/>.Length voted;
/// <see cref="Ignored"/> had another width or histogram range and were left out; <see cref="NoisyDevices"/> of the voters
/// had added calibrated noise (<c>insight.noise</c>).
/// </summary>
internal sealed record AggregatedRegion(
    int Devices,
    int Ignored,
    long Samples,
    double[] Centroid,
    double[] StdDev,
    double HistogramMin,
    double HistogramMax,
    double[][] Histograms)
{
    public int NoisyDevices { get; init; }
}
