using System.Globalization;
using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Tests.Infrastructure;
using Fleet.Tests.Mqtt.Infrastructure;

namespace Fleet.Tests.Mqtt.Client;

/// <summary>Interop with the C reference clients mosquitto_pub / mosquitto_sub.</summary>
public sealed class MqttInteropTests(MosquittoFixture broker) : IClassFixture<MosquittoFixture>
{
    private string Port => broker.Port.ToString(CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("5", MqttProtocolVersion.V500)]
    [InlineData("311", MqttProtocolVersion.V311)]
    public async Task MosquittoPub_ToOurSubscriber_ArrivesWithProperties(string cliVersion, MqttProtocolVersion version)
    {
        var topic = "interop/in/" + Guid.NewGuid().ToString("N")[..8];
        var collector = new MessageCollector();
        await using var client = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port, version: version), collector);
        await client.SubscribeAsync(topic, MqttQualityOfService.ExactlyOnce);
        List<string> args = ["-h", "127.0.0.1", "-p", Port, "-V", cliVersion, "-q", "2", "-t", topic, "-m", "from-c"];
        if (version == MqttProtocolVersion.V500)
        {
            args.AddRange(["-D", "publish", "user-property", "origin", "mosquitto_pub", "-D", "publish", "content-type", "text/plain"]);
        }

        var run = await ProcessRunner.RunAsync("mosquitto_pub", args, TimeSpan.FromSeconds(30));

        Assert.Equal(0, run.ExitCode);
        var m = (await collector.WaitForAsync(1))[0];
        Assert.Equal(("from-c", MqttQualityOfService.ExactlyOnce), (m.PayloadAsString(), m.QualityOfService));
        if (version == MqttProtocolVersion.V500)
        {
            Assert.Equal("text/plain", m.ContentType);
            Assert.Equal([new MqttUserProperty("origin", "mosquitto_pub")], m.UserProperties);
        }
    }

    [Theory]
    [InlineData("5", MqttProtocolVersion.V500)]
    [InlineData("311", MqttProtocolVersion.V311)]
    public async Task OurPublisher_ToMosquittoSub_ArrivesInOrder(string cliVersion, MqttProtocolVersion version)
    {
        var topic = "interop/out/" + Guid.NewGuid().ToString("N")[..8];
        var sub = ProcessRunner.Start("mosquitto_sub", ["-h", "127.0.0.1", "-p", Port, "-V", cliVersion, "-q", "1", "-t", topic, "-C", "20", "-v", "-W", "30"]);
        try
        {
            await using var client = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port, version: version));
            var output = sub.StandardOutput.ReadToEndAsync();
            // mosquitto_sub subscribes asynchronously: publish retained markers until it has connected.
            await MqttTestClients.WaitUntilAsync(() => File.ReadAllText(broker.Broker.LogFile).Contains("mosquitto_sub", StringComparison.Ordinal) || File.ReadAllText(broker.Broker.LogFile).Contains("auto-", StringComparison.Ordinal), "mosquitto_sub to connect");
            await Task.Delay(100);
            for (var i = 0; i < 20; i++)
            {
                await client.PublishAsync(new MqttApplicationMessage(topic, System.Text.Encoding.UTF8.GetBytes("m" + i.ToString(CultureInfo.InvariantCulture))) { QualityOfService = MqttQualityOfService.AtLeastOnce });
            }

            await sub.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(Enumerable.Range(0, 20).Select(i => $"{topic} m{i}"), lines);
        }
        finally
        {
            if (!sub.HasExited)
            {
                sub.Kill();
            }

            sub.Dispose();
        }
    }
}
