namespace Fleet.Device.Monitoring;

/// <summary>
/// A sketch of an input region — per-feature centroid, spread and a coarse histogram — that an insight carries
/// instead of the raw inputs (the device never publishes raw inputs).
/// </summary>
internal sealed record InputSketch(long Samples, float[] Centroid, float[] StdDev, float HistogramMin, float HistogramMax, long[][] Histograms);
