using System.Globalization;
using Fleet.Cli.Mqtt;
using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Tests.Infrastructure;
using Fleet.Tests.Mqtt.Infrastructure;

namespace Fleet.Tests.Mqtt.Cli;

public sealed class MqttCommandTests(MosquittoFixture broker) : IClassFixture<MosquittoFixture>
{
    private string Port => broker.Port.ToString(CultureInfo.InvariantCulture);

    private static async Task<(int ExitCode, string Out, string Err)> RunAsync(string stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await MqttCommand.RunAsync(args, new StringReader(stdin), stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Pub_WithLines_DeliversEachLineToMosquittoSub()
    {
        var topic = "cli/" + Guid.NewGuid().ToString("N")[..8];
        var collector = new MessageCollector();
        await using var watcher = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port), collector);
        await watcher.SubscribeAsync(topic, MqttQualityOfService.AtLeastOnce);

        var (code, _, err) = await RunAsync("one\ntwo\nthree\n", "pub", "-h", "127.0.0.1", "-p", Port, "-V", "mqttv5", "-q", "1", "-t", topic, "-l",
            "-D", "publish", "user-property", "k", "v");

        Assert.True(code == MqttExitCode.Ok, err);
        var received = await collector.WaitForAsync(3);
        Assert.Equal(["one", "two", "three"], received.Select(m => m.PayloadAsString()));
        Assert.All(received, m => Assert.Equal([new MqttUserProperty("k", "v")], m.UserProperties));
    }

    [Fact]
    public async Task Sub_WithCount_PrintsWhatMosquittoPubSentAndExits()
    {
        var topic = "cli/" + Guid.NewGuid().ToString("N")[..8];
        var sub = RunAsync("", "sub", "-h", "127.0.0.1", "-p", Port, "-t", topic, "-t", topic + "/x", "-T", topic + "/x", "-C", "2", "-v", "-q", "1", "-W", "30");
        await using var probe = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port));

        // Publish retained markers until the CLI's subscription exists, then the real messages.
        while (!sub.IsCompleted)
        {
            await ProcessRunner.RunAsync("mosquitto_pub", ["-h", "127.0.0.1", "-p", Port, "-q", "1", "-t", topic + "/x", "-m", "filtered"], TimeSpan.FromSeconds(30));
            await ProcessRunner.RunAsync("mosquitto_pub", ["-h", "127.0.0.1", "-p", Port, "-q", "1", "-t", topic, "-m", "hello"], TimeSpan.FromSeconds(30));
            await Task.WhenAny(sub, Task.Delay(50));
        }

        var (code, output, err) = await sub;
        Assert.True(code == MqttExitCode.Ok, err);
        Assert.Equal([$"{topic} hello", $"{topic} hello"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Sub_Timeout_ExitsWithTimeoutCode()
    {
        var (code, _, _) = await RunAsync("", "sub", "-h", "127.0.0.1", "-p", Port, "-t", "cli/silent", "-W", "1");

        Assert.Equal(MqttExitCode.Timeout, code);
    }

    [Fact]
    public async Task Pub_NothingListening_ExitsWithConnectionLostCode()
    {
        var (code, _, _) = await RunAsync("", "pub", "-h", "127.0.0.1", "-p", Fleet.Shared.Servers.MosquittoBroker.FreeLoopbackPort().ToString(CultureInfo.InvariantCulture), "-t", "a", "-m", "x");

        Assert.Equal(MqttExitCode.ConnectionLost, code);
    }

    [Fact]
    public async Task Sub_WithWill_ConnectionCut_BrokerPublishesTheWill()
    {
        var willTopic = "cli/will/" + Guid.NewGuid().ToString("N")[..8];
        var clientId = "cli-will-" + Guid.NewGuid().ToString("N")[..8];
        var wills = new MessageCollector();
        await using var watcher = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port), wills);
        await watcher.SubscribeAsync(willTopic, MqttQualityOfService.ExactlyOnce);
        await using var proxy = new TcpProxy(broker.Port);

        var sub = RunAsync("", "sub", "-h", "127.0.0.1", "-p", proxy.Port.ToString(CultureInfo.InvariantCulture), "-i", clientId, "-V", "mqttv5",
            "-t", "cli/quiet", "-W", "60", "--will-topic", willTopic, "--will-payload", "gone", "--will-qos", "1", "--will-retain");
        await MqttTestClients.WaitUntilAsync(() => BrokerLogMentions($" as {clientId} "), "the CLI's session at the broker");
        proxy.CutAll();

        var (code, _, _) = await sub.WaitAsync(TimeSpan.FromSeconds(30));
        var will = (await wills.WaitForAsync(1))[0];
        Assert.Equal(MqttExitCode.ConnectionLost, code);
        Assert.Equal(("gone", MqttQualityOfService.AtLeastOnce), (will.PayloadAsString(), will.QualityOfService));
        var retained = new MessageCollector();
        await using var late = await MqttTestClients.ConnectAsync(MqttTestClients.Options(broker.Port), retained);
        await late.SubscribeAsync(willTopic, MqttQualityOfService.AtLeastOnce);
        Assert.True((await retained.WaitForAsync(1))[0] is { Retain: true } r && r.PayloadAsString() == "gone", "the will was not retained");
    }

    [Fact]
    public void WillOptions_BecomeTheConnectWill()
    {
        var (options, error) = MqttCliOptions.Parse(["-t", "a", "-m", "x", "--will-topic", "dev/1/status", "--will-payload", "offline", "--will-qos", "2", "--will-retain"]);

        Assert.Null(error);
        var will = options.ToClientOptions().Will;
        Assert.NotNull(will);
        Assert.Equal(("dev/1/status", "offline", MqttQualityOfService.ExactlyOnce, true), (will.Topic, will.PayloadAsString(), will.QualityOfService, will.Retain));
        Assert.Null(MqttCliOptions.Parse(["-t", "a", "-m", "x"]).Options.ToClientOptions().Will);
    }

    [Theory]
    [InlineData("pub", "-t")]
    [InlineData("pub", "-t", "a", "-m", "x", "--will-payload", "p")]
    [InlineData("sub", "-t", "a", "--will-retain")]
    [InlineData("pub", "-t", "a", "-m", "x", "--will-topic", "bad/+")]
    [InlineData("pub", "-t", "a", "-m", "x", "--will-topic", "w", "--will-qos", "3")]
    [InlineData("pub", "-q", "3", "-t", "a", "-m", "x")]
    [InlineData("pub", "-t", "a")]
    [InlineData("sub")]
    [InlineData("sub", "-V", "4", "-t", "a")]
    [InlineData("frobnicate")]
    public async Task BadArguments_ExitWithUsageCode(params string[] args) =>
        Assert.Equal(MqttExitCode.Usage, (await RunAsync("", args)).ExitCode);

    private bool BrokerLogMentions(string text)
    {
        using var stream = new FileStream(broker.Broker.LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd().Contains(text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_PrintsUsageAndSucceeds()
    {
        var (code, output, _) = await RunAsync("", "pub", "--help");

        Assert.Equal(MqttExitCode.Ok, code);
        Assert.Contains("-h HOST", output, StringComparison.Ordinal);
    }
}

public sealed class MqttCommandSecuredTests(SecuredMosquittoFixture broker) : IClassFixture<SecuredMosquittoFixture>
{
    [Fact]
    public async Task Pub_BadPassword_ExitsWithRefusedOrNotAuthorised()
    {
        var code = await MqttCommand.RunAsync(["pub", "-h", "127.0.0.1", "-p", broker.Port.ToString(CultureInfo.InvariantCulture), "-u", "device-1", "-P", "nope", "-t", "a", "-m", "x"],
            new StringReader(""), new StringWriter(), new StringWriter(), CancellationToken.None);

        Assert.Contains(code, new[] { MqttExitCode.Refused, MqttExitCode.NotAuthorized });
    }
}

public sealed class MqttCommandTlsTests(TlsMosquittoFixture broker) : IClassFixture<TlsMosquittoFixture>
{
    [Fact]
    public async Task Pub_WrongCa_ExitsWithTlsCode()
    {
        var code = await MqttCommand.RunAsync(["pub", "-h", "localhost", "-p", broker.Port.ToString(CultureInfo.InvariantCulture), "--cafile", broker.Certificates.OtherCaFile, "-t", "a", "-m", "x"],
            new StringReader(""), new StringWriter(), new StringWriter(), CancellationToken.None);

        Assert.Equal(MqttExitCode.TlsError, code);
    }

    [Fact]
    public async Task Pub_RightCa_Succeeds()
    {
        var err = new StringWriter();
        var code = await MqttCommand.RunAsync(["pub", "-h", "localhost", "-p", broker.Port.ToString(CultureInfo.InvariantCulture), "--cafile", broker.Certificates.CaFile, "-q", "1", "-t", "a", "-m", "x"],
            new StringReader(""), new StringWriter(), err, CancellationToken.None);

        Assert.True(code == MqttExitCode.Ok, err.ToString());
    }
}
