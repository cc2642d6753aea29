namespace Fleet.Device.Hardware;

/// <summary>
/// A repeating LED pattern: alternating on and off phases, starting with on. Distinguishable at a glance:
/// healthy is a short pulse every two seconds, healing a fast even blink, degraded a double flash.
/// </summary>
internal sealed record BlinkPattern(IReadOnlyList<TimeSpan> Phases)
{
    public static BlinkPattern Healthy { get; } = new([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(1900)]);

    public static BlinkPattern Healing { get; } = new([TimeSpan.FromMilliseconds(125), TimeSpan.FromMilliseconds(125)]);

    public static BlinkPattern Degraded { get; } = new([TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(1550)]);

    public static BlinkPattern For(LedSignal signal) => signal switch
    {
        LedSignal.Healing => Healing,
        LedSignal.Degraded => Degraded,
        _ => Healthy,
    };

    /// <summary>Whether phase <paramref name="index"/> lights the LED (even phases do).</summary>
    public static bool IsOn(int index) => index % 2 == 0;
}
