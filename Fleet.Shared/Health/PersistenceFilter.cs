using System.Numerics;

namespace Fleet.Shared.Health;

/// <summary>Triggers only when at least k of the last n windows exceeded, so transient noise never heals.</summary>
/// <remarks>
/// The last n outcomes are kept as bits of one 64-bit word (n ≤ 64); <see cref="Observe"/> is O(1) and
/// allocation-free. After a remediation call <see cref="Reset"/>, so the windows that caused the trigger
/// cannot trigger again. Not thread-safe.
/// </remarks>
public sealed class PersistenceFilter
{
    private readonly ulong _mask;
    private ulong _history;
    private int _seen;

    /// <summary>Creates a k-of-n filter.</summary>
    public PersistenceFilter(int required, int window)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(window, 64);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(required);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(required, window);
        Required = required;
        Window = window;
        _mask = window == 64 ? ulong.MaxValue : (1UL << window) - 1;
    }

    /// <summary>k: exceeding windows needed to trigger.</summary>
    public int Required { get; }

    /// <summary>n: windows remembered.</summary>
    public int Window { get; }

    /// <summary>How many of the remembered windows exceeded.</summary>
    public int Exceeding => BitOperations.PopCount(_history);

    /// <summary>Windows observed since the last reset, up to <see cref="Window"/>.</summary>
    public int Observed => _seen;

    /// <summary>True when the last observation made k of the last n windows exceed.</summary>
    public bool IsTriggered => Exceeding >= Required;

    /// <summary>Records whether the latest window exceeded; returns <see cref="IsTriggered"/>.</summary>
    public bool Observe(bool exceeded)
    {
        _history = ((_history << 1) | (exceeded ? 1UL : 0UL)) & _mask;
        _seen = Math.Min(_seen + 1, Window);
        return IsTriggered;
    }

    /// <summary>Forgets the remembered windows.</summary>
    public void Reset()
    {
        _history = 0;
        _seen = 0;
    }
}
