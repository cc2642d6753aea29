namespace Fleet.Bench;

/// <summary>What a suite may use: progress output, a scale factor for quick runs, and scratch space.</summary>
internal sealed class BenchContext(TextWriter progress, double scale, string scratchDirectory)
{
    /// <summary>Human-readable progress; results go to the JSON file, not here.</summary>
    public TextWriter Progress { get; } = progress;

    /// <summary>1.0 for a full run; smaller for smoke runs (<c>--quick</c>). Ratios stay comparable.</summary>
    public double Scale { get; } = scale;

    /// <summary>A directory the suite may fill; deleted after the run.</summary>
    public string ScratchDirectory { get; } = scratchDirectory;

    /// <summary>Scales an iteration count, never below <paramref name="minimum"/>.</summary>
    public int Scaled(int full, int minimum = 1) => Math.Max(minimum, (int)(full * Scale));
}
