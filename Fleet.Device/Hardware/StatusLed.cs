using Fleet.Shared.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Fleet.Device.Hardware;

/// <summary>
/// Blinks <see cref="BlinkPattern.For"/> the signal last shown, phase by phase on a <see cref="TimeProvider"/> timer.
/// A new signal restarts its pattern from the first (on) phase; the same signal again changes nothing. A pin that
/// fails to write is logged once and left alone: the LED is a convenience, never a reason to stop the agent.
/// </summary>
internal sealed class StatusLed : IDisposable
{
    private readonly Lock _gate = new();
    private readonly IStatusPin _pin;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private BlinkPattern? _pattern;
    private int _phase;
    private bool _failed;
    private bool _disposed;

    public StatusLed(IStatusPin pin, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(pin);
        ArgumentNullException.ThrowIfNull(time);
        _pin = pin;
        _logger = logger;
        _timer = time.CreateTimer(_ => Step(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public LedSignal? Signal { get; private set; }

    public void Show(LedSignal signal)
    {
        lock (_gate)
        {
            if (Signal == signal || _disposed)
            {
                return;
            }

            Signal = signal;
            _pattern = BlinkPattern.For(signal);
            _phase = 0;
            Apply();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timer.Dispose();
            if (!_failed)
            {
                Write(false);
            }

            _pin.Dispose();
        }
    }

    private void Step()
    {
        lock (_gate)
        {
            if (_pattern is null || _disposed)
            {
                return;
            }

            _phase = (_phase + 1) % _pattern.Phases.Count;
            Apply();
        }
    }

    private void Apply()
    {
        if (_failed || _pattern is null)
        {
            return;
        }

        if (Write(BlinkPattern.IsOn(_phase)))
        {
            _timer.Change(_pattern.Phases[_phase], Timeout.InfiniteTimeSpan);
        }
    }

    private bool Write(bool on)
    {
        try
        {
            _pin.Write(on);
            return true;
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            _failed = true;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            HardwareLog.LedFailed(_logger, _pin.Number, $"{ex.GetType().Name}: {ex.Message}");
            return false;
        }
    }
}
