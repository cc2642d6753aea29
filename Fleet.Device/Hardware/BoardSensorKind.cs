namespace Fleet.Device.Hardware;

/// <summary>The I²C sensors the agent can read, each through its Iot.Device.Bindings driver.</summary>
internal enum BoardSensorKind
{
    /// <summary>Bosch BME280: board/ambient temperature.</summary>
    Bme280,

    /// <summary>TI INA219: supply (bus) voltage.</summary>
    Ina219,
}
