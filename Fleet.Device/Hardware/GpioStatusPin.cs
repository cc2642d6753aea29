using Fleet.Shared.Diagnostics;
using System.Device.Gpio;

namespace Fleet.Device.Hardware;

/// <summary>A GPIO output pin through System.Device.Gpio's <see cref="GpioController"/>.</summary>
internal sealed class GpioStatusPin : IStatusPin
{
    private readonly GpioController _controller;

    private GpioStatusPin(GpioController controller, int number)
    {
        _controller = controller;
        Number = number;
    }

    public int Number { get; }

    /// <summary>The pin as an output, or why not (no GPIO controller on this machine, pin busy, no permission).</summary>
    public static (GpioStatusPin? Pin, string? Problem) Open(int number)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(number);
        GpioController? controller = null;
        try
        {
            controller = new GpioController();
            controller.OpenPin(number, PinMode.Output, PinValue.Low);
            return (new GpioStatusPin(controller, number), null);
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            controller?.Dispose();
            var chips = Directory.Exists("/dev") ? Directory.GetFiles("/dev", "gpiochip*").Length : 0;
            var where = chips == 0 ? "this machine has no GPIO controller (no /dev/gpiochip*)" : $"GPIO {number} cannot be driven";
            return (null, $"{where}: {ex.GetType().Name}: {ex.Message}");
        }
    }

    public void Write(bool on) => _controller.Write(Number, on ? PinValue.High : PinValue.Low);

    public void Dispose() => _controller.Dispose();
}
