using System.Security.Cryptography;
using Fleet.Device.Configuration;
using Fleet.Device.Hardware;
using Fleet.Device.Healing;
using Fleet.Device.Metrics;
using Fleet.Device.Monitoring;
using Fleet.Device.Simulation;
using Fleet.Device.Uplink;
using Fleet.Device.Uplink.Queue;
using Fleet.Shared.Security;
using Microsoft.Extensions.Logging;
using Fleet.Device.Core;
using Fleet.Device.Hosting;

namespace Fleet.Device.Agent;

/// <summary>
/// Runs one device, or N simulated ones, until cancelled: one actor system, one shared ONNX Runtime environment,
/// and per device its own MQTT session, weight store, queue and seq under <c>{data}/{deviceId}</c>.
/// </summary>
internal sealed class AgentRunner(DeviceOptions options, ILoggerFactory loggers, TimeProvider time)
{
    public const string AgentVersion = "fleet-device/1.0.0";

    /// <summary>Ids of the devices this configuration runs.</summary>
    public IReadOnlyList<string> DeviceIds => options.DeviceIds();

    public async Task<int> RunAsync(SystemdNotifier systemd, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(systemd);
        var logger = loggers.CreateLogger("fleet-device");
        if (!FaultSchedule.TryParse(options.Faults, out var faults, out var faultProblem))
        {
            Console.Error.WriteLine($"fleet-device: --faults: {faultProblem}");
            return 2;
        }

        if (options.Simulate == 0 && options.Faults is not null)
        {
            Console.Error.WriteLine("fleet-device: --faults needs --simulate N (faults are injected only into simulated devices)");
            return 2;
        }

        var (passwords, passwordProblem) = options.PasswordFile is null ? (null, null) : DevicePasswordFile.Read(options.PasswordFile);
        if (passwordProblem is null && passwords is not null && DeviceIds.Select(id => DevicePasswordFile.For(options, passwords, id).Problem).FirstOrDefault(p => p is not null) is { } missing)
        {
            passwordProblem = missing;
        }

        if (passwordProblem is not null)
        {
            Console.Error.WriteLine($"fleet-device: {passwordProblem}");
            return 2;
        }

        using var fleetKey = options.FleetKeyPath is null ? null : FleetKey.FromPem(await File.ReadAllTextAsync(options.FleetKeyPath, cancellationToken).ConfigureAwait(false));
        var factory = options.FactoryPackage is null ? null : await File.ReadAllBytesAsync(options.FactoryPackage, cancellationToken).ConfigureAwait(false);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        var hardwareLog = loggers.CreateLogger("fleet-device.hardware");
        using var board = BoardSensors.Open(options.I2cSensors.Select(s => BoardSensorSpec.Parse(s).Spec!), hardwareLog);
        using var pi = options.Simulate == 0 && options.SensorRoot == "/" ? PiSensors.Open(board) : null;
        using var led = OpenStatusLed(hardwareLog);
        var metrics = options.MetricsPort is null ? null : new DeviceMetrics();
        using var journal = options.AckJournal is null ? null : AckJournal.Open(options.AckJournal);
        var system = AgentActorSystem.Create();
        var uplinks = new List<DeviceUplink>();
        long progress = 0;
        try
        {
            var seed = 1;
            foreach (var id in DeviceIds)
            {
                var data = options.Simulate == 0 ? options.DataDirectory : Path.Combine(options.DataDirectory, id);
                Directory.CreateDirectory(data);
                var uplink = new DeviceUplink(id, DevicePasswordFile.For(options, passwords, id).Options!.Mqtt(), DiskEventQueue.Open(Path.Combine(data, "queue")),
                    SequenceSource.Open(Path.Combine(data, "seq"), time), time, loggers.CreateLogger("fleet-device.uplink"), AgentVersion, options.ShardCount)
                {
                    Journal = journal,
                };
                uplinks.Add(uplink);
                var simulated = options.Simulate > 0 ? new SimulatedSensors(Path.Combine(data, "sensors")) : null;
                IHardwareSensors sensors = pi ?? (IHardwareSensors)new SysfsSensors(simulated?.Root ?? options.SensorRoot);
                metrics?.Track(id, () => uplink.Pending, sensors);
                var runtime = new DeviceRuntime(id, data,
                    WatchdogOptions.Default with { WindowSize = options.WindowSize, DigestPeriodWindows = options.DigestPeriodWindows },
                    RemediationOptions.Default with { InsightNoise = InsightNoiseOptions.Parse(options.InsightNoise).Options! }, time, seed++, uplink, fleetKey, http,
                    sensors, simulated, faults,
                    options.FramesPerSecond, options.SoakWindows, options.TelemetryEveryWindows, factory, logger)
                {
                    Progress = () => Interlocked.Increment(ref progress),
                    Metrics = metrics,
                    StatusLed = led,
                };
                system.ActorOf(DeviceAgentActor.Props(runtime), id);
                uplink.Start();
            }

            using var endpoint = StartMetrics(metrics, logger);
            systemd.Ready($"{DeviceIds.Count} device(s) running");
            logger.LogInformation("fleet-device: {Count} device(s) running against {Host}:{Port}", DeviceIds.Count, options.BrokerHost, options.BrokerPort);
            var interval = systemd.WatchdogInterval is { } w ? w / 2 : TimeSpan.FromSeconds(5);
            var seen = 0L;
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                // Ping only while inference makes progress: a wedged loop lets systemd restart us.
                var now = Interlocked.Read(ref progress);
                if (now != seen)
                {
                    seen = now;
                    systemd.Watchdog();
                }
            }

            systemd.Stopping();
            return 0;
        }
        finally
        {
            await system.Terminate().ConfigureAwait(false);
            system.Dispose();
            foreach (var uplink in uplinks)
            {
                await uplink.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private StatusLed? OpenStatusLed(ILogger logger)
    {
        if (options.StatusLedPin is not { } number)
        {
            return null;
        }

        var (pin, problem) = GpioStatusPin.Open(number);
        if (pin is null)
        {
            HardwareLog.LedUnavailable(logger, number, problem!);
            return null;
        }

        HardwareLog.LedOn(logger, number);
        return new StatusLed(pin, time, logger);
    }

    private MetricsEndpoint? StartMetrics(DeviceMetrics? metrics, ILogger logger)
    {
        if (metrics is null || options.MetricsPort is not { } port)
        {
            return null;
        }

        var (endpoint, problem) = MetricsEndpoint.Start(port, metrics);
        if (endpoint is null)
        {
            MetricsLog.Unavailable(logger, port, problem!);
        }
        else
        {
            MetricsLog.Serving(logger, port);
        }

        return endpoint;
    }
}
