using System.Collections.Concurrent;
using System.Text.Json;
using Fleet.Device.Hardware;
using Fleet.Device.Monitoring;
using Fleet.Shared.Health;
using Fleet.Shared.Protocol;
using Prometheus;

namespace Fleet.Device.Metrics;

/// <summary>
/// The agent's Prometheus metrics (prometheus-net, a registry of its own), labelled by device so one
/// <c>--simulate N</c> process exposes all of its devices. Names are stable and documented in README.md:
/// they are part of what operators build dashboards and alerts on. A signal the device does not have (no
/// temperature sensor) is absent from the exposition, never 0.
/// </summary>
internal sealed class DeviceMetrics
{
    private static readonly string[] Device = ["device"];
    private readonly ConcurrentDictionary<string, long> _inferencesSeen = new();
    private readonly Counter _inferences;
    private readonly Gauge _latency;
    private readonly Gauge _kl;
    private readonly Gauge _klThreshold;
    private readonly Counter _heals;
    private readonly Gauge _queueDepth;
    private readonly Gauge _temperature;
    private readonly Gauge _boardTemperature;
    private readonly Gauge _supplyVoltage;
    private readonly Gauge _sensorAnswering;

    public DeviceMetrics()
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _inferences = factory.CreateCounter("fleet_device_inferences_total", "Inferences run by the device's model.", Device);
        _latency = factory.CreateGauge("fleet_device_inference_latency_seconds", "Inference latency quantile over the last closed window.", [.. Device, "quantile"]);
        _kl = factory.CreateGauge("fleet_device_kl", "KL divergence of the last window's outputs from the baseline (nats).", Device);
        _klThreshold = factory.CreateGauge("fleet_device_kl_threshold", "The KL trigger level in force (nats).", Device);
        _heals = factory.CreateCounter("fleet_device_heals_total", "Heal episodes by diagnosis and outcome.", [.. Device, "diagnosis", "outcome"]);
        _queueDepth = factory.CreateGauge("fleet_device_queue_depth", "Events waiting in the on-disk uplink queue.", Device);
        _temperature = factory.CreateGauge("fleet_device_temperature_celsius", "SoC temperature; absent without a readable sensor.", Device);
        _boardTemperature = factory.CreateGauge("fleet_device_board_temperature_celsius", "Temperature from a configured I2C sensor (BME280).", [.. Device, "sensor"]);
        _supplyVoltage = factory.CreateGauge("fleet_device_supply_voltage_volts", "Supply voltage from a configured I2C sensor (INA219).", [.. Device, "sensor"]);
        _sensorAnswering = factory.CreateGauge("fleet_device_sensor_answering", "1 when a configured I2C sensor answered at the last reading, 0 when it did not.", [.. Device, "sensor"]);
    }

    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    /// <summary>Samples <paramref name="device"/>'s queue depth and hardware at every scrape.</summary>
    public void Track(string device, Func<int> queueDepth, IHardwareSensors sensors)
    {
        ArgumentNullException.ThrowIfNull(queueDepth);
        ArgumentNullException.ThrowIfNull(sensors);
        Registry.AddBeforeCollectCallback(() =>
        {
            _queueDepth.WithLabels(device).Set(queueDepth());
            Hardware(device, sensors.Read());
        });
    }

    /// <param name="inferencesSoFar">The model side's running count; it starts again from 0 after a restart.</param>
    public void Window(string device, long inferencesSoFar, WindowVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var before = _inferencesSeen.GetValueOrDefault(device);
        _inferences.WithLabels(device).Inc(inferencesSoFar >= before ? inferencesSoFar - before : inferencesSoFar);
        _inferencesSeen[device] = inferencesSoFar;
        SetOrRemove(_latency, verdict.LatencyP50Us / 1e6, device, "0.5");
        SetOrRemove(_latency, verdict.LatencyP99Us / 1e6, device, "0.99");
        SetOrRemove(_kl, verdict.Kl, device);
        SetOrRemove(_klThreshold, verdict.KlThreshold, device);
    }

    public void Heal(string device, Diagnosis diagnosis, HealOutcome outcome) =>
        _heals.WithLabels(device, WireName(diagnosis.ToString()), WireName(outcome.ToString())).Inc();

    private void Hardware(string device, HardwareReading reading)
    {
        SetOrRemove(_temperature, reading.TemperatureC ?? double.NaN, device);
        foreach (var sample in reading.Board)
        {
            _sensorAnswering.WithLabels(device, sample.Sensor).Set(1);
            SetOrRemove(_boardTemperature, sample.TemperatureC ?? double.NaN, device, sample.Sensor);
            SetOrRemove(_supplyVoltage, sample.SupplyVoltageV ?? double.NaN, device, sample.Sensor);
        }

        foreach (var sensor in reading.Silent)
        {
            _sensorAnswering.WithLabels(device, sensor).Set(0);
            _boardTemperature.RemoveLabelled(device, sensor);
            _supplyVoltage.RemoveLabelled(device, sensor);
        }
    }

    private static void SetOrRemove(Gauge gauge, double value, params string[] labels)
    {
        if (double.IsFinite(value))
        {
            gauge.WithLabels(labels).Set(value);
        }
        else
        {
            gauge.RemoveLabelled(labels);
        }
    }

    private static string WireName(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);
}
