namespace Fleet.Shared.Health;

/// <summary>Prevents flailing: at most N heals per sliding period, with exponential backoff between heals of a streak.</summary>
/// <remarks>
/// Time comes only from the <see cref="TimeProvider"/>. <see cref="TryAcquire"/> both decides and, when
/// allowed, spends one heal. A streak is a run of heals each less than
/// <see cref="HealBudgetOptions.StreakReset"/> after the previous; within it the n-th heal must wait
/// <c>min(MaxBackoff, InitialBackoff × 2^(n−2))</c> after the (n−1)-th. Not thread-safe.
/// </remarks>
public sealed class HealBudget
{
    private readonly HealBudgetOptions _options;
    private readonly TimeProvider _time;
    private readonly Queue<DateTimeOffset> _recent = new();
    private DateTimeOffset? _last;
    private int _streak;

    /// <summary>Creates a budget with validated <paramref name="options"/>.</summary>
    public HealBudget(HealBudgetOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options.Validate();
        _time = time;
    }

    /// <summary>Heals spent within the current sliding period.</summary>
    public int UsedInPeriod
    {
        get
        {
            Expire(_time.GetUtcNow());
            return _recent.Count;
        }
    }

    /// <summary>Heals in the current streak (0 when none or the streak has lapsed).</summary>
    public int Streak => _last is { } last && _time.GetUtcNow() - last < _options.StreakReset ? _streak : 0;

    /// <summary>Says whether a heal may start now without spending it.</summary>
    public HealDecision Check() => Decide(_time.GetUtcNow());

    /// <summary>Decides, and when allowed spends one heal.</summary>
    public HealDecision TryAcquire()
    {
        var now = _time.GetUtcNow();
        var decision = Decide(now);
        if (decision.IsAllowed)
        {
            _streak = _last is { } last && now - last < _options.StreakReset ? _streak + 1 : 1;
            _last = now;
            _recent.Enqueue(now);
        }

        return decision;
    }

    /// <summary>Forgets every spent heal (e.g. an operator cleared the device).</summary>
    public void Reset()
    {
        _recent.Clear();
        _last = null;
        _streak = 0;
    }

    private HealDecision Decide(DateTimeOffset now)
    {
        Expire(now);
        if (_recent.Count >= _options.MaxHeals)
        {
            var retry = _recent.Peek() + _options.Period;
            return new HealDecision(HealRefusal.BudgetExhausted, retry, $"heal budget exhausted: {_recent.Count} heals within {_options.Period}; next allowed at {retry:O}");
        }

        if (_last is { } last && now - last < _options.StreakReset)
        {
            var retry = last + Backoff(_streak);
            if (now < retry)
            {
                return new HealDecision(HealRefusal.BackingOff, retry, $"backing off after {_streak} consecutive heal(s); next allowed at {retry:O}");
            }
        }

        return new HealDecision(HealRefusal.None, now, "heal allowed");
    }

    private TimeSpan Backoff(int streak)
    {
        var factor = Math.Pow(2, Math.Min(Math.Max(streak - 1, 0), 30));
        var ticks = Math.Min(_options.InitialBackoff.Ticks * factor, _options.MaxBackoff.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    private void Expire(DateTimeOffset now)
    {
        while (_recent.Count > 0 && now - _recent.Peek() >= _options.Period)
        {
            _recent.Dequeue();
        }
    }
}
