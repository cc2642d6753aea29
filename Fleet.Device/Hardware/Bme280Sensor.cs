using System.Device.I2c;
using Iot.Device.Bmxx80;
using Iot.Device.Bmxx80.PowerMode;

namespace Fleet.Device.Hardware;

/// <summary>A BME280 through <see cref="Bme280"/>: opened on first read, in normal (continuous) mode, reopened after an error.</summary>
internal sealed class Bme280Sensor(BoardSensorSpec spec) : IBoardSensor
{
    private I2cDevice? _device;
    private Bme280? _sensor;

    public BoardSensorSpec Spec => spec;

    public BoardSample Read()
    {
        try
        {
            if (_sensor is null)
            {
                _device = I2cDevice.Create(new I2cConnectionSettings(spec.Bus, spec.Address));
                _sensor = new Bme280(_device);
                _sensor.SetPowerMode(Bmx280PowerMode.Normal);
            }

            // False means the sensor skips temperature (oversampling off): absent, not 0.
            return new BoardSample(spec.Name, _sensor.TryReadTemperature(out var temperature) && double.IsFinite(temperature.DegreesCelsius) ? temperature.DegreesCelsius : null, null);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _sensor?.Dispose();
        _device?.Dispose();
        _sensor = null;
        _device = null;
    }
}
