namespace Fleet.Device.Hardware;

/// <summary>One I²C sensor behind its binding.</summary>
internal interface IBoardSensor : IDisposable
{
    BoardSensorSpec Spec { get; }

    /// <summary>One measurement; throws (an I/O error, typically) when the sensor does not answer.</summary>
    BoardSample Read();
}
