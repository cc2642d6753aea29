namespace Fleet.Device.Hardware;

/// <summary>A CPU temperature reader as the binding exposes it: availability, and NaN when a read fails.</summary>
internal interface ITemperatureSource
{
    bool IsAvailable { get; }

    /// <summary>°C, or NaN when the sensor could not be read.</summary>
    double ReadCelsius();
}
