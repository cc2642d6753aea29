namespace Fleet.Shared.Health;

/// <summary>Kullback–Leibler divergence and its symmetric relatives, in nats (natural logarithm).</summary>
/// <remarks>
/// The span overloads take probability vectors (each summing to 1); a term with <c>p[i] = 0</c>
/// contributes 0, and one with <c>p[i] &gt; 0</c> but <c>q[i] = 0</c> makes KL infinite — smooth first
/// (<see cref="Histogram.Normalize"/>), or use the <see cref="Histogram"/> overloads that do.
/// Nothing here allocates on the heap for histograms up to 512 bins.
/// </remarks>
public static class KlDivergence
{
    private const int StackBins = 512;

    /// <summary><c>KL(p ‖ q) = Σ p[i] · ln(p[i] / q[i])</c>.</summary>
    public static double Compute(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        ThrowIfMismatched(p, q);
        var sum = 0.0;
        for (var i = 0; i < p.Length; i++)
        {
            if (p[i] > 0)
            {
                sum += q[i] > 0 ? p[i] * Math.Log(p[i] / q[i]) : double.PositiveInfinity;
            }
        }

        // Rounding can make a divergence of two near-equal vectors a hair negative; KL is never negative.
        return Math.Max(0, sum);
    }

    /// <summary>Jeffreys divergence <c>KL(p ‖ q) + KL(q ‖ p)</c>.</summary>
    public static double Symmetric(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => Compute(p, q) + Compute(q, p);

    /// <summary>Jensen–Shannon divergence: bounded by ln 2, finite even with empty bins.</summary>
    public static double JensenShannon(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        ThrowIfMismatched(p, q);
        var sum = 0.0;
        for (var i = 0; i < p.Length; i++)
        {
            var m = 0.5 * (p[i] + q[i]);
            if (p[i] > 0)
            {
                sum += 0.5 * p[i] * Math.Log(p[i] / m);
            }

            if (q[i] > 0)
            {
                sum += 0.5 * q[i] * Math.Log(q[i] / m);
            }
        }

        return Math.Clamp(sum, 0, Math.Log(2));
    }

    /// <summary><c>KL(observed ‖ baseline)</c> of two histograms with the same edges, each smoothed by <paramref name="pseudoCount"/>.</summary>
    public static double Compute(Histogram observed, Histogram baseline, double pseudoCount = 0.5) =>
        Apply(observed, baseline, pseudoCount, static (p, q) => Compute(p, q));

    /// <summary>Jensen–Shannon divergence of two histograms with the same edges.</summary>
    public static double JensenShannon(Histogram observed, Histogram baseline, double pseudoCount = 0.5) =>
        Apply(observed, baseline, pseudoCount, static (p, q) => JensenShannon(p, q));

    private static double Apply(Histogram observed, Histogram baseline, double pseudoCount, SpanPair measure)
    {
        ArgumentNullException.ThrowIfNull(observed);
        ArgumentNullException.ThrowIfNull(baseline);
        if (!observed.Edges.SequenceEqual(baseline.Edges))
        {
            throw new ArgumentException("Histograms must share their edges to be compared.", nameof(baseline));
        }

        var bins = observed.BinCount;
        Span<double> buffer = bins <= StackBins ? stackalloc double[2 * bins] : new double[2 * bins];
        var p = buffer[..bins];
        var q = buffer[bins..];
        observed.Normalize(p, pseudoCount);
        baseline.Normalize(q, pseudoCount);
        return measure(p, q);
    }

    private static void ThrowIfMismatched(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        if (p.Length != q.Length)
        {
            throw new ArgumentException($"Distributions differ in length ({p.Length} vs {q.Length}).", nameof(q));
        }
    }

    private delegate double SpanPair(ReadOnlySpan<double> p, ReadOnlySpan<double> q);
}
