using Fleet.Device.Hardware;
using Fleet.Shared.Protocol;
using Fleet.Shared.Time;

namespace Fleet.Tests.Device.Hardware;

public sealed class StatusLedTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly RecordingPin _pin;

    public StatusLedTests() => _pin = new RecordingPin(_time);

    [Theory]
    [InlineData(DeviceHealth.Healthy, false, "Healthy")]
    [InlineData(DeviceHealth.Healing, false, "Healing")]
    [InlineData(DeviceHealth.Degraded, true, "Healing")]
    [InlineData(DeviceHealth.Degraded, false, "Degraded")]
    [InlineData(DeviceHealth.Unhealable, false, "Degraded")]
    [InlineData(DeviceHealth.Unhealable, true, "Degraded")]
    public void Signal_FollowsTheReportedHealth_AndAFallbackWaitingForItsCauseToPassIsHealing(DeviceHealth health, bool recovering, string expected) =>
        Assert.Equal(Enum.Parse<LedSignal>(expected), LedSignals.From(health, recovering));

    [Fact]
    public void Healthy_IsAShortPulseEveryTwoSeconds() =>
        AssertBlinks(LedSignal.Healthy, TimeSpan.FromSeconds(4), [(0, true), (100, false), (2000, true), (2100, false), (4000, true)]);

    [Fact]
    public void Healing_IsAFastEvenBlink() =>
        AssertBlinks(LedSignal.Healing, TimeSpan.FromMilliseconds(500), [(0, true), (125, false), (250, true), (375, false), (500, true)]);

    [Fact]
    public void Degraded_IsADoubleFlash() =>
        AssertBlinks(LedSignal.Degraded, TimeSpan.FromMilliseconds(2000), [(0, true), (150, false), (300, true), (450, false), (2000, true)]);

    [Fact]
    public void ANewSignal_RestartsWithItsOnPhase_AndTheSameSignalAgainChangesNothing()
    {
        using var led = new StatusLed(_pin, _time, new RecordingLogger());
        led.Show(LedSignal.Healthy);
        _time.Advance(TimeSpan.FromMilliseconds(1000));
        led.Show(LedSignal.Healthy);
        Assert.Equal([(0, true), (100, false)], _pin.Writes);

        led.Show(LedSignal.Healing);
        _time.Advance(TimeSpan.FromMilliseconds(125));
        Assert.Equal([(0, true), (100, false), (1000, true), (1125, false)], _pin.Writes);
        Assert.Equal(LedSignal.Healing, led.Signal);
    }

    [Fact]
    public void Dispose_TurnsTheLedOffAndReleasesThePin()
    {
        var led = new StatusLed(_pin, _time, new RecordingLogger());
        led.Show(LedSignal.Healing);
        led.Dispose();
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([(0, true), (0, false)], _pin.Writes);
        Assert.True(_pin.Disposed);
    }

    [Fact]
    public void APinThatFailsToWrite_IsReportedOnce_AndNothingThrows()
    {
        var logger = new RecordingLogger();
        _pin.Fail = true;
        using var led = new StatusLed(_pin, _time, logger);
        led.Show(LedSignal.Degraded);
        _time.Advance(TimeSpan.FromSeconds(5));
        led.Show(LedSignal.Healthy);
        Assert.Single(logger.Messages(6204));
        Assert.Equal(1, _pin.Attempts);
    }

    [Fact]
    public void GpioPin_OnThisMachine_OpensWhereThereIsGpio_ElseSaysClearlyThatThereIsNone()
    {
        var (pin, problem) = GpioStatusPin.Open(17);
        using (pin)
        {
            var hasGpio = Directory.GetFiles("/dev", "gpiochip*").Length > 0;
            if (!hasGpio)
            {
                Assert.Null(pin);
                Assert.Contains("no GPIO controller", problem, StringComparison.Ordinal);
            }
            else
            {
                // A board with GPIO may still refuse this pin (busy, permissions): then the reason names the pin.
                Assert.True(pin is not null ^ problem is not null);
                Assert.True(problem is null || problem.Contains("GPIO 17", StringComparison.Ordinal), problem);
            }
        }
    }

    private void AssertBlinks(LedSignal signal, TimeSpan run, (int Ms, bool On)[] expected)
    {
        using var led = new StatusLed(_pin, _time, new RecordingLogger());
        led.Show(signal);
        _time.Advance(run);
        Assert.Equal(expected, _pin.Writes);
    }

    private sealed class RecordingPin(ManualTimeProvider time) : IStatusPin
    {
        private readonly DateTimeOffset _start = time.GetUtcNow();

        public List<(int Ms, bool On)> Writes { get; } = [];

        public bool Fail { get; set; }

        public int Attempts { get; private set; }

        public bool Disposed { get; private set; }

        public int Number => 17;

        public void Write(bool on)
        {
            Attempts++;
            if (Fail)
            {
                throw new IOException("pin gone");
            }

            Writes.Add(((int)(time.GetUtcNow() - _start).TotalMilliseconds, on));
        }

        public void Dispose() => Disposed = true;
    }
}
