using Fleet.Shared.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Fleet.Device.Hardware;

/// <summary>
/// The configured I²C sensors. One that does not answer is logged once (and once more when it answers again),
/// listed in <see cref="HardwareReading.Silent"/> on every reading meanwhile, and tried again at the next
/// reading; nothing it throws reaches the agent. Thread-safe: telemetry and metric scrapes read concurrently.
/// </summary>
internal sealed class BoardSensors : IDisposable
{
    private readonly Lock _gate = new();
    private readonly IReadOnlyList<IBoardSensor> _sensors;
    private readonly HashSet<string> _silent = [];
    private readonly ILogger _logger;

    public BoardSensors(IReadOnlyList<IBoardSensor> sensors, ILogger logger)
    {
        _sensors = sensors;
        _logger = logger;
    }

    public static BoardSensors None { get; } = new([], Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    /// <summary>The bindings for <paramref name="specs"/>; nothing is opened until the first reading.</summary>
    public static BoardSensors Open(IEnumerable<BoardSensorSpec> specs, ILogger logger) =>
        new([.. specs.Select(IBoardSensor (s) => s.Kind switch
        {
            BoardSensorKind.Bme280 => new Bme280Sensor(s),
            BoardSensorKind.Ina219 => new Ina219Sensor(s),
            _ => throw new ArgumentOutOfRangeException(nameof(specs), s.Kind, "unknown sensor kind"),
        })], logger);

    public (IReadOnlyList<BoardSample> Samples, IReadOnlyList<string> Silent) Read()
    {
        if (_sensors.Count == 0)
        {
            return ([], []);
        }

        var samples = new List<BoardSample>();
        var silent = new List<string>();
        lock (_gate)
        {
            foreach (var sensor in _sensors)
            {
                var name = sensor.Spec.Name;
                try
                {
                    samples.Add(sensor.Read());
                    if (_silent.Remove(name))
                    {
                        HardwareLog.SensorAnswers(_logger, name);
                    }
                }
                catch (Exception ex) when (!ex.IsFatal())
                {
                    silent.Add(name);
                    if (_silent.Add(name))
                    {
                        HardwareLog.SensorSilent(_logger, name, $"{ex.GetType().Name}: {ex.Message}");
                    }
                }
            }
        }

        return (samples, silent);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var sensor in _sensors)
            {
                sensor.Dispose();
            }
        }
    }
}
