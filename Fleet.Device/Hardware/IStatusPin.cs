namespace Fleet.Device.Hardware;

/// <summary>The output the status LED drives (a GPIO pin on the device, a recorder in tests).</summary>
internal interface IStatusPin : IDisposable
{
    int Number { get; }

    void Write(bool on);
}
