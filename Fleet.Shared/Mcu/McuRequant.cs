namespace Fleet.Shared.Mcu;

/// <summary>
/// Fixed-point rescaling shared bit for bit with Fleet.Mcu's C core: a positive real factor r is stored as a Q31
/// multiplier m and a right shift s with r ≈ m · 2^-s, and applied as <c>(acc · m + 2^(s-1)) &gt;&gt; s</c> in 64-bit
/// arithmetic (arithmetic shift, so rounding is half up for both signs).
/// </summary>
public static class McuRequant
{
    /// <summary>Splits <paramref name="factor"/> into a Q31 multiplier and a shift in [1, 62].</summary>
    /// <exception cref="ArgumentOutOfRangeException">The factor is not positive and finite, or outside 2^-31 … 2^30.</exception>
    public static (int Multiplier, int Shift) Encode(double factor)
    {
        if (!(factor > 0) || !double.IsFinite(factor))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "a rescale factor must be positive and finite");
        }

        var exponent = Math.ILogB(factor) + 1;
        var fraction = Math.ScaleB(factor, -exponent);
        var multiplier = (long)Math.Round(fraction * (1L << 31), MidpointRounding.AwayFromZero);
        if (multiplier == 1L << 31)
        {
            multiplier >>= 1;
            exponent++;
        }

        var shift = 31 - exponent;
        if (shift is < 1 or > 62)
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "the rescale factor is outside what the MCU's fixed point represents (2^-31 … 2^30)");
        }

        return ((int)multiplier, shift);
    }

    /// <summary>Applies a multiplier and shift to an accumulator exactly as the C core does.</summary>
    public static long Apply(long accumulator, int multiplier, int shift) =>
        ((accumulator * multiplier) + (1L << (shift - 1))) >> shift;

    /// <summary>Rounds half away from zero and clamps to the symmetric int8 range [-127, 127].</summary>
    public static sbyte ToInt8(double value) =>
        (sbyte)Math.Clamp(Math.Round(value, MidpointRounding.AwayFromZero), -127, 127);
}
