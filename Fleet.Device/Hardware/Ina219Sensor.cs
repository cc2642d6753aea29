using System.Device.I2c;
using Iot.Device.Adc;

namespace Fleet.Device.Hardware;

/// <summary>An INA219 through <see cref="Ina219"/>: the bus voltage is the board's supply. Opened on first read, reopened after an error.</summary>
internal sealed class Ina219Sensor(BoardSensorSpec spec) : IBoardSensor
{
    private Ina219? _sensor;

    public BoardSensorSpec Spec => spec;

    public BoardSample Read()
    {
        try
        {
            _sensor ??= new Ina219(new I2cConnectionSettings(spec.Bus, spec.Address));
            var volts = _sensor.ReadBusVoltage().Volts;
            return new BoardSample(spec.Name, null, double.IsFinite(volts) ? volts : null);
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
        _sensor = null;
    }
}
