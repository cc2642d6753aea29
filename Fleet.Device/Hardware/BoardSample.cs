namespace Fleet.Device.Hardware;

/// <summary>What one I²C sensor measured; a quantity it does not measure is null.</summary>
internal sealed record BoardSample(string Sensor, double? TemperatureC, double? SupplyVoltageV);
