using Fleet.Device.Configuration;
using Fleet.Device.Agent;
using Fleet.Device.Core;
using Fleet.Device.Inference;
using Fleet.Device.Simulation;
using Fleet.Tests.Device.Storage;

namespace Fleet.Tests.Device.Configuration;

public sealed class DeviceOptionsLoaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Func<string, string?> Env(params (string Key, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Key == name).Value;

    [Fact]
    public void CommandLine_OverridesEnvironment_WhichOverridesTheConfigFile()
    {
        var config = Path.Combine(_dir.Path, "device.json");
        File.WriteAllText(config, """{ "deviceId": "from-file", "brokerHost": "file-host", "brokerPort": 1000, "framesPerSecond": 5 }""");

        var (options, problem) = DeviceOptionsLoader.Load(["--config", config, "--broker", "cli-host:2000"],
            Env(("FLEET_DEVICE_ID", "from-env"), ("FLEET_DEVICE_BROKER", "env-host:1500")));

        Assert.Null(problem);
        Assert.Equal(("from-env", "cli-host", 2000, 5.0), (options!.DeviceId, options.BrokerHost, options.BrokerPort, options.FramesPerSecond));
    }

    [Fact]
    public void HardwareMetricsAndLogOptions_AreOffByDefault_AndSetFromFileEnvironmentAndCommandLine()
    {
        var (defaults, _) = DeviceOptionsLoader.Load(["--device-id", "d1"], Env());
        Assert.Equal((0, null, null, Path.Combine("fleet-device-data", "logs")),
            (defaults!.I2cSensors.Count, defaults.StatusLedPin, defaults.MetricsPort, defaults.LogDirectoryInForce()));

        var config = Path.Combine(_dir.Path, "device.json");
        File.WriteAllText(config, """{ "deviceId": "pi-1", "i2cSensors": ["bme280:1:0x76"], "logFiles": 3 }""");
        var (options, problem) = DeviceOptionsLoader.Load(
            ["--config", config, "--i2c-sensor", "ina219:1:0x40", "--status-led", "17", "--log-dir", "/var/log/fleet", "--log-file-bytes", "4096"],
            Env(("FLEET_DEVICE_METRICS_PORT", "9464")));

        Assert.Null(problem);
        Assert.Equal(["bme280:1:0x76", "ina219:1:0x40"], options!.I2cSensors);
        Assert.Equal((17, 9464, "/var/log/fleet", 4096L, 3), (options.StatusLedPin, options.MetricsPort, options.LogDirectoryInForce(), options.LogFileBytes, options.LogFiles));
    }

    [Theory]
    [InlineData(new[] { "--broker", "no-port" }, "HOST:PORT")]
    [InlineData(new[] { "--device-id", "bad id!" }, "bad id!")]
    [InlineData(new[] { "--simulate", "three" }, "integer")]
    [InlineData(new[] { "--device-id", "d1", "--frobnicate", "1" }, "unknown option")]
    [InlineData(new[] { "--device-id", "d1", "--fleet-key", "/nonexistent/key.pem" }, "does not exist")]
    [InlineData(new string[0], "device id is required")]
    [InlineData(new[] { "--device-id", "d1", "--mqtt-version", "4" }, "--mqtt-version: '4' is not 5 or 311")]
    [InlineData(new[] { "--device-id", "d1", "--key", "client.key" }, "--cert FILE --key FILE")]
    [InlineData(new[] { "--device-id", "d1", "--i2c-sensor", "bme280:1" }, "--i2c-sensor: 'bme280:1' is not KIND:BUS:ADDRESS")]
    [InlineData(new[] { "--device-id", "d1", "--i2c-sensor", "sht31:1:0x44" }, "not a supported I²C sensor")]
    [InlineData(new[] { "--device-id", "d1", "--status-led", "-1" }, "not a GPIO pin")]
    [InlineData(new[] { "--simulate", "2", "--status-led", "17" }, "does not go with --simulate")]
    [InlineData(new[] { "--device-id", "d1", "--metrics-port", "70000" }, "--metrics-port: 70000 is not a port (1-65535)")]
    [InlineData(new[] { "--device-id", "d1", "--metric-port", "9464" }, "unknown option --metric-port; did you mean --metrics-port?")]
    [InlineData(new[] { "--device-id", "d1", "--shard-count", "0" }, "--shard-count: 0 must be between 1 and 4096")]
    [InlineData(new[] { "--device-id", "d1", "--metrics-port", "http" }, "integer")]
    [InlineData(new[] { "--device-id", "d1", "--log-file-bytes", "100" }, "at least 1024 bytes")]
    public void BadConfiguration_IsRefused_WithAClearReason(string[] args, string expected)
    {
        var (options, problem) = DeviceOptionsLoader.Load(args, Env());
        Assert.Null(options);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void UnreadableConfigFile_IsRefused_NamingTheFile()
    {
        var config = Path.Combine(_dir.Path, "broken.json");
        File.WriteAllText(config, "{ not json");
        var (_, problem) = DeviceOptionsLoader.Load(["--config", config], Env());
        Assert.Contains("broken.json", problem);
    }

    [Theory]
    [InlineData("bitflip:exponent@30s,drift@60s,thermal@90s,corrupt-artifact@2m,crash@150s", 5)]
    [InlineData("quality@10s,corrupt-artifact@20s", 2)]
    [InlineData("random:0.5", 0)]
    [InlineData("drift:pitch@0s,drift:pitch@40s", 2)]
    public void FaultSchedules_Parse(string text, int planned)
    {
        Assert.True(FaultSchedule.TryParse(text, out var schedule, out var problem), problem);
        Assert.Equal(planned, schedule.Planned.Count);
    }

    [Theory]
    [InlineData("meltdown@3s")]
    [InlineData("bitflip:nibble@3s")]
    [InlineData("drift@soon")]
    [InlineData("drift:volume@3s")]
    [InlineData("thermal:hot@3s")]
    [InlineData("random:-1")]
    public void BadFaultSchedules_AreRefused(string text)
    {
        Assert.False(FaultSchedule.TryParse(text, out _, out var problem));
        Assert.False(string.IsNullOrEmpty(problem));
    }

    [Fact]
    public void OrtSelfCheck_PassesOnTheRealRuntime()
    {
        Assert.Null(OrtSelfCheck.Run());
    }
}
