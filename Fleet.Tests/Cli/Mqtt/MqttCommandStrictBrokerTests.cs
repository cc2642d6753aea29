using System.Globalization;
using Fleet.Cli.Mqtt;
using Fleet.Shared.Servers;
using Fleet.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Tests.Cli.Mqtt;

/// <summary>
/// Mosquitto advertising a Receive Maximum of 2 (<c>max_inflight_messages 2</c>) and a 1 KiB Maximum Packet
/// Size. It disconnects an MQTT 5 client that has a third QoS 2 publication unacknowledged.
/// </summary>
public sealed class StrictMosquittoFixture : MosquittoFixture
{
    public const int MaximumPacketSize = 1024;

    protected override MosquittoOptions Options => new()
    {
        ExtraConfig = ["max_inflight_messages 2", $"max_packet_size {MaximumPacketSize}"],
    };
}

public sealed class MqttCommandStrictBrokerTests(StrictMosquittoFixture broker) : IClassFixture<StrictMosquittoFixture>
{
    private string Port => broker.Port.ToString(CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("5", 1)]
    [InlineData("5", 2)]
    [InlineData("311", 1)]
    [InlineData("311", 2)]
    public async Task PubLines_ThousandLines_ArriveInOrderWithinTheReceiveMaximum(string version, int qos)
    {
        const int count = 1000;
        var topic = "cli/strict/" + Guid.NewGuid().ToString("N")[..8];
        await using var watcher = await MqttWatcher.StartAsync(broker.Port, topic, MqttQualityOfServiceLevel.ExactlyOnce);
        var lines = string.Join('\n', Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture)));

        var (code, _, err) = await MqttCommandTests.RunAsync(lines, "pub", "-h", "127.0.0.1", "-p", Port, "-V", version,
            "-q", qos.ToString(CultureInfo.InvariantCulture), "-t", topic, "-l");

        Assert.True(code == MqttExitCode.Ok, $"exit {code}: {err}");
        var received = await watcher.WaitForAsync(count, TimeSpan.FromSeconds(120));
        Assert.Equal(Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture)), received.Select(m => m.ConvertPayloadToString()));
    }

    [Fact]
    public async Task Pub_OverTheMaximumPacketSize_IsRefusedBeforeSending()
    {
        var topic = "cli/strict/" + Guid.NewGuid().ToString("N")[..8];
        await using var watcher = await MqttWatcher.StartAsync(broker.Port, topic);

        var tooBig = await MqttCommandTests.RunAsync("", "pub", "-h", "127.0.0.1", "-p", Port, "-V", "5", "-q", "1", "-t", topic, "-m", new string('x', StrictMosquittoFixture.MaximumPacketSize));
        var fits = await MqttCommandTests.RunAsync("", "pub", "-h", "127.0.0.1", "-p", Port, "-V", "5", "-q", "1", "-t", topic, "-m", new string('y', StrictMosquittoFixture.MaximumPacketSize - 64));

        Assert.True(tooBig.ExitCode == MqttExitCode.Refused, $"exit {tooBig.ExitCode}: {tooBig.Err}");
        Assert.Contains("Maximum Packet Size", tooBig.Err, StringComparison.Ordinal);
        Assert.True(fits.ExitCode == MqttExitCode.Ok, fits.Err);
        Assert.Equal('y', (await watcher.WaitForAsync(1)).Single().ConvertPayloadToString()[0]);
    }
}
