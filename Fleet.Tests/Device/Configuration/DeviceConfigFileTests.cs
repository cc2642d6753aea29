using System.Reflection;
using System.Text.Json.Serialization;
using Fleet.Device.Configuration;
using Fleet.Gateway.Provisioning;
using Fleet.Shared.Security;
using Fleet.Tests.Device.Storage;

namespace Fleet.Tests.Device.Configuration;

/// <summary>
/// The agent's configuration file is strict: an unknown or misspelled key, a value of the wrong type or a bad value stops
/// the agent with a message naming the file, the key and (for a misspelling) the nearest valid key.
/// </summary>
public sealed class DeviceConfigFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Problem(string json)
    {
        var path = Path.Combine(_dir.Path, "device.json");
        File.WriteAllText(path, json);
        var (options, problem) = DeviceOptionsLoader.Load(["--config", path], _ => null);
        Assert.Null(options);
        Assert.NotNull(problem);
        Assert.Contains($"config file '{path}'", problem, StringComparison.Ordinal);
        return problem;
    }

    [Theory]
    [InlineData("brokerHots", "brokerHost")]
    [InlineData("BrokerPort", "brokerPort")]
    [InlineData("fleetKey", "fleetKeyPath")]
    [InlineData("metricPort", "metricsPort")]
    [InlineData("statusLed", "statusLedPin")]
    public void MisspelledKey_IsRefused_NamingItAndTheNearestValidKey(string misspelled, string nearest)
    {
        var problem = Problem($$"""{ "deviceId": "d1", "{{misspelled}}": 1 }""");
        Assert.Contains($"unknown key \"{misspelled}\"; did you mean \"{nearest}\"?", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownKey_WithNothingNear_IsRefused_PointingAtTheListOfKeys()
    {
        var problem = Problem("""{ "deviceId": "d1", "colour": "blue" }""");
        Assert.Contains("unknown key \"colour\"", problem, StringComparison.Ordinal);
        Assert.Contains("device.example.json", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void BundleOfTheFormerNestedFormat_IsRefused_SayingWhatReplacedItAndHowToGetANewOne()
    {
        var problem = Problem("""{ "v": 1, "deviceId": "d1", "broker": { "host": "gw", "port": 1883 }, "credentials": { "username": "d1", "password": "p" } }""");
        Assert.Contains("unknown key \"v\"", problem, StringComparison.Ordinal);
        var broker = Problem("""{ "deviceId": "d1", "broker": { "host": "gw", "port": 1883 } }""");
        Assert.Contains("\"brokerHost\", \"brokerPort\"", broker, StringComparison.Ordinal);
        Assert.Contains("fleet devices provision ID --rotate", broker, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"brokerPort\": \"1883\"", "key \"brokerPort\": expected a whole number, found the string \"1883\"")]
    [InlineData("\"brokerPort\": 1883.5", "key \"brokerPort\": expected a whole number, found the number 1883.5")]
    [InlineData("\"tls\": \"yes\"", "key \"tls\": expected true or false, found the string \"yes\"")]
    [InlineData("\"framesPerSecond\": 1e400", "key \"framesPerSecond\": expected a finite number, found the number 1e400")]
    [InlineData("\"brokerHost\": null", "key \"brokerHost\": expected a string, found null")]
    [InlineData("\"brokerHost\": 10", "key \"brokerHost\": expected a string, found the number 10")]
    [InlineData("\"i2cSensors\": \"bme280:1:0x76\"", "key \"i2cSensors\": expected an array of strings, found the string")]
    [InlineData("\"i2cSensors\": [118]", "key \"i2cSensors\": expected an array of strings, found an array [118]")]
    [InlineData("\"metricsPort\": { \"port\": 9464 }", "key \"metricsPort\": expected a whole number, found an object")]
    public void ValueOfTheWrongType_IsRefused_NamingTheKeyWhatItExpectsAndWhatItFound(string member, string expected)
    {
        Assert.Contains(expected, Problem($$"""{ "deviceId": "d1", {{member}} }"""), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"brokerPort\": 70000", "key \"brokerPort\": 70000 is not a port (1-65535)")]
    [InlineData("\"statusLedPin\": 4000", "key \"statusLedPin\": 4000 is not a GPIO pin number")]
    [InlineData("\"windowSize\": 10", "key \"windowSize\": 10 is too small")]
    [InlineData("\"mqttVersion\": \"4\"", "key \"mqttVersion\": '4' is not 5 or 311")]
    [InlineData("\"caFile\": \"missing-ca.crt\"", "key \"caFile\": file '")]
    [InlineData("\"i2cSensors\": [\"bme280:1\"]", "key \"i2cSensors\": 'bme280:1' is not KIND:BUS:ADDRESS")]
    [InlineData("\"deviceId\": \"bad id!\"", "key \"deviceId\": 'bad id!'")]
    public void BadValue_IsRefused_NamingTheFileAndTheKey(string member, string expected)
    {
        var json = member.StartsWith("\"deviceId\"", StringComparison.Ordinal) ? $"{{ {member} }}" : $"{{ \"deviceId\": \"d1\", {member} }}";
        Assert.Contains(expected, Problem(json), StringComparison.Ordinal);
    }

    [Fact]
    public void KeyGivenTwice_OrAFileThatIsNotAnObject_IsRefused()
    {
        Assert.Contains("key \"deviceId\" appears twice", Problem("""{ "deviceId": "d1", "deviceId": "d2" }"""), StringComparison.Ordinal);
        Assert.Contains("expected a JSON object of settings", Problem("""["deviceId", "d1"]"""), StringComparison.Ordinal);
        Assert.Contains("is not valid JSON", Problem("""{ "deviceId": "d1" """), StringComparison.Ordinal);
    }

    [Fact]
    public void FleetKeyThatIsNotAKey_IsRefused_AtStart_NotAtTheFirstUpdate()
    {
        File.WriteAllText(Path.Combine(_dir.Path, "fleet-key.pub.pem"), "not a key");
        Assert.Contains("key \"fleetKeyPath\": '", Problem("""{ "deviceId": "d1", "fleetKeyPath": "fleet-key.pub.pem" }"""), StringComparison.Ordinal);
    }

    [Fact]
    public void RelativePathsInTheFile_AreRelativeToTheFile_WhileTheCommandLinesAreRelativeToTheWorkingDirectory()
    {
        var bundle = Directory.CreateDirectory(Path.Combine(_dir.Path, "bundle")).FullName;
        using (var key = FleetKey.Create())
        {
            File.WriteAllText(Path.Combine(bundle, "fleet-key.pub.pem"), FleetKey.PublicPem(key));
        }

        var config = Path.Combine(bundle, "device.json");
        File.WriteAllText(config, """
            // comments and trailing commas are fine
            { "deviceId": "pi-1", "fleetKeyPath": "fleet-key.pub.pem", "dataDirectory": "state", "shardCount": 128, }
            """);

        var (options, problem) = DeviceOptionsLoader.Load(["--config", config, "--log-dir", "logs"], _ => null);

        Assert.True(problem is null, problem);
        Assert.Equal((Path.Combine(bundle, "fleet-key.pub.pem"), Path.Combine(bundle, "state"), "logs", 128),
            (options!.FleetKeyPath, options.DataDirectory, options.LogDirectory, options.ShardCount));
    }

    [Fact]
    public void EveryKey_IsDocumented_InTheUsageTheExampleAndThePiGuide()
    {
        var root = RepositoryRoot();
        var guide = File.ReadAllText(Path.Combine(root, "provisioning", "raspberry-pi.md"));
        foreach (var key in DeviceConfigFile.Keys.Keys)
        {
            Assert.Contains(key, DeviceOptionsLoader.Usage, StringComparison.Ordinal);
            Assert.True(guide.Contains($"`{key}`", StringComparison.Ordinal), $"provisioning/raspberry-pi.md does not document the key {key}");
        }

        // The shipped example uses only real keys with values of the right types.
        var (keys, problem) = DeviceConfigFile.Apply(Path.Combine(root, "provisioning", "device.example.json"), new DeviceOptions());
        Assert.True(problem is null, problem);
        Assert.Contains("deviceId", keys!);
    }

    [Fact]
    public void EveryKeyTheGatewayWritesIntoABundle_IsOneTheAgentReads()
    {
        var written = typeof(DeviceConfig).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.Name != "EqualityContract")
            .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? throw new InvalidOperationException($"DeviceConfig.{p.Name} has no JSON name"))
            .ToList();
        Assert.NotEmpty(written);
        Assert.All(written, key => Assert.True(DeviceConfigFile.Keys.ContainsKey(key), $"the gateway writes \"{key}\", which the agent refuses"));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Fleet.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Fleet.sln above {AppContext.BaseDirectory}");
    }
}
