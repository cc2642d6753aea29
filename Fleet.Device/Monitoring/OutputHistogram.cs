using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Fleet.Shared.Models;

namespace Fleet.Device.Monitoring;

/// <summary>
/// Counts output values into a baseline's bins for one window: the hot half of the output-distribution signal.
/// </summary>
/// <remarks>
/// Bin indices are computed eight at a time (subtract, scale, saturating convert, clamp), then counted into four
/// interleaved stripes: neighbouring samples of an audio frame usually share a bin, and one counter per bin would make
/// each increment wait for the previous one's store. NaN lands in bin 0 and ±∞ in the edge bins, as
/// <see cref="BaselineHistogram"/> does. Allocation-free after construction; not thread-safe.
/// </remarks>
internal sealed class OutputHistogram
{
    private const int Stripes = 4;

    private readonly int[] _counts;
    private readonly float _min;
    private readonly float _scale;

    public OutputHistogram(BaselineHistogram baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        Baseline = baseline;
        Bins = baseline.Counts.Length;
        _counts = new int[Stripes * Bins];
        _min = (float)baseline.Min;
        _scale = (float)(Bins / (baseline.Max - baseline.Min));
    }

    public BaselineHistogram Baseline { get; }

    public int Bins { get; }

    /// <summary>Counts every value of <paramref name="values"/> (one output frame).</summary>
    public void Add(ReadOnlySpan<float> values)
    {
        ref var counts = ref MemoryMarshal.GetArrayDataReference(_counts);
        var last = Bins - 1;
        var i = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= Vector256<float>.Count)
        {
            var min = Vector256.Create(_min);
            var scale = Vector256.Create(_scale);
            var top = Vector256.Create(last);
            var stripe = Vector256.Create(0, Bins, 2 * Bins, 3 * Bins, 0, Bins, 2 * Bins, 3 * Bins);
            ref var source = ref MemoryMarshal.GetReference(values);
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var scaled = (Vector256.LoadUnsafe(ref source, (nuint)i) - min) * scale;
                // Saturating conversion: NaN → 0, ±∞ → int.MinValue/MaxValue, then clamped into the edge bins.
                var bin = Vector256.Min(Vector256.Max(Vector256.ConvertToInt32(scaled), Vector256<int>.Zero), top) + stripe;
                Unsafe.Add(ref counts, bin.GetElement(0))++;
                Unsafe.Add(ref counts, bin.GetElement(1))++;
                Unsafe.Add(ref counts, bin.GetElement(2))++;
                Unsafe.Add(ref counts, bin.GetElement(3))++;
                Unsafe.Add(ref counts, bin.GetElement(4))++;
                Unsafe.Add(ref counts, bin.GetElement(5))++;
                Unsafe.Add(ref counts, bin.GetElement(6))++;
                Unsafe.Add(ref counts, bin.GetElement(7))++;
            }
        }

        for (; i < values.Length; i++)
        {
            var bin = Math.Clamp((int)((values[i] - _min) * _scale), 0, last);
            Unsafe.Add(ref counts, ((i & (Stripes - 1)) * Bins) + bin)++;
        }
    }

    /// <summary>Writes the window's count per bin (the stripes summed) and returns the total.</summary>
    public long CopyCounts(Span<long> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Bins, nameof(destination));
        long total = 0;
        for (var b = 0; b < Bins; b++)
        {
            long count = 0;
            for (var s = 0; s < Stripes; s++)
            {
                count += _counts[(s * Bins) + b];
            }

            destination[b] = count;
            total += count;
        }

        return total;
    }

    public void Reset() => Array.Clear(_counts);
}
