using System.Globalization;
using Fleet.Cli.Mqtt;
using Fleet.Shared.Messaging;
using Fleet.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace Fleet.Tests.Cli.Mqtt;

public sealed class MqttCommandTests(MosquittoFixture broker) : IClassFixture<MosquittoFixture>
{
    private string Port => broker.Port.ToString(CultureInfo.InvariantCulture);

    internal static async Task<(int ExitCode, string Out, string Err)> RunAsync(string stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await MqttCommand.RunAsync(args, new StringReader(stdin), stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string NewTopic() => "cli/" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Pub_WithLines_DeliversEachLineWithItsUserProperty()
    {
        var topic = NewTopic();
        await using var watcher = await MqttWatcher.StartAsync(broker.Port, topic);

        var (code, _, err) = await RunAsync("one\ntwo\nthree\n", "pub", "-h", "127.0.0.1", "-p", Port, "-V", "mqttv5", "-q", "1", "-t", topic, "-l",
            "-D", "publish", "user-property", "k", "v");

        Assert.True(code == MqttExitCode.Ok, err);
        var received = await watcher.WaitForAsync(3);
        Assert.Equal(["one", "two", "three"], received.Select(m => m.ConvertPayloadToString()));
        Assert.All(received, m => Assert.Equal([("k", "v")], m.UserProperties!.Select(p => (p.Name, p.ReadValueAsString()))));
    }

    [Fact]
    public async Task Pub_V5_SendsOnlyThePropertiesItWasGiven()
    {
        var topic = NewTopic();
        await using var watcher = await MqttWatcher.StartAsync(broker.Port, topic);

        var plain = await RunAsync("", "pub", "-p", Port, "-h", "127.0.0.1", "-V", "5", "-q", "1", "-t", topic, "-m", "plain");
        var given = await RunAsync("", "pub", "-p", Port, "-h", "127.0.0.1", "-V", "5", "-q", "1", "-t", topic, "-m", "given",
            "-D", "publish", "correlation-data", "c-1", "-D", "publish", "response-topic", topic + "/reply", "-D", "publish", "content-type", "text/plain");

        Assert.True(plain.ExitCode == MqttExitCode.Ok && given.ExitCode == MqttExitCode.Ok, plain.Err + given.Err);
        var received = await watcher.WaitForAsync(2);
        Assert.Equal((null, null, null, 0), (received[0].CorrelationData, received[0].ResponseTopic, received[0].ContentType, received[0].UserProperties?.Count ?? 0));
        Assert.Equal(("c-1", topic + "/reply", "text/plain"), (System.Text.Encoding.UTF8.GetString(received[1].CorrelationData), received[1].ResponseTopic, received[1].ContentType));
    }

    [Fact]
    public async Task Sub_WithCount_PrintsWhatMosquittoPubSentAndExits()
    {
        var topic = NewTopic();
        var sub = RunAsync("", "sub", "-h", "127.0.0.1", "-p", Port, "-t", topic, "-t", topic + "/x", "-T", topic + "/x", "-C", "2", "-v", "-q", "1", "-W", "30");

        // Publish until the CLI's subscription exists and has printed two messages.
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
    public async Task Sub_SkipRetained_PrintsOnlyLiveMessages()
    {
        var topic = NewTopic();
        await ProcessRunner.RunAsync("mosquitto_pub", ["-h", "127.0.0.1", "-p", Port, "-q", "1", "-r", "-t", topic, "-m", "old"], TimeSpan.FromSeconds(30));
        var sub = RunAsync("", "sub", "-h", "127.0.0.1", "-p", Port, "-t", topic, "-R", "-C", "1", "-q", "1", "-W", "30");

        while (!sub.IsCompleted)
        {
            await ProcessRunner.RunAsync("mosquitto_pub", ["-h", "127.0.0.1", "-p", Port, "-q", "1", "-t", topic, "-m", "live"], TimeSpan.FromSeconds(30));
            await Task.WhenAny(sub, Task.Delay(50));
        }

        var (code, output, err) = await sub;
        Assert.True(code == MqttExitCode.Ok, err);
        Assert.Equal("live", output.Trim());
    }

    [Fact]
    public async Task Sub_Timeout_ExitsWithTimeoutCode()
    {
        var (code, _, _) = await RunAsync("", "sub", "-h", "127.0.0.1", "-p", Port, "-t", "cli/silent", "-W", "1");

        Assert.Equal(MqttExitCode.Timeout, code);
    }

    [Fact]
    public async Task Pub_NothingListening_ExitsWithConnectionFailedCode()
    {
        var (code, _, _) = await RunAsync("", "pub", "-h", "127.0.0.1", "-p", Fleet.Shared.Servers.MosquittoBroker.FreeLoopbackPort().ToString(CultureInfo.InvariantCulture), "-t", "a", "-m", "x");

        Assert.Equal(MqttExitCode.ConnectionLost, code);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("311")]
    public async Task Sub_WithWill_ConnectionCut_BrokerPublishesTheWill(string version)
    {
        var willTopic = "cli/will/" + Guid.NewGuid().ToString("N")[..8];
        var clientId = "cli-will-" + Guid.NewGuid().ToString("N")[..8];
        await using var wills = await MqttWatcher.StartAsync(broker.Port, willTopic);
        await using var proxy = new TcpProxy(broker.Port);

        var sub = RunAsync("", "sub", "-h", "127.0.0.1", "-p", proxy.Port.ToString(CultureInfo.InvariantCulture), "-i", clientId, "-V", version,
            "-t", "cli/quiet", "-W", "60", "--will-topic", willTopic, "--will-payload", "gone", "--will-qos", "1", "--will-retain");
        while (!BrokerLogMentions($" as {clientId} ") && !sub.IsCompleted)
        {
            await Task.Delay(10);
        }

        proxy.CutAll();

        var (code, _, _) = await sub.WaitAsync(TimeSpan.FromSeconds(30));
        var will = (await wills.WaitForAsync(1))[0];
        Assert.Equal(MqttExitCode.ConnectionLost, code);
        Assert.Equal(("gone", MqttQualityOfServiceLevel.AtLeastOnce), (will.ConvertPayloadToString(), will.QualityOfServiceLevel));
        await using var late = await MqttWatcher.StartAsync(broker.Port, willTopic);
        Assert.True((await late.WaitForAsync(1))[0] is { Retain: true } r && r.ConvertPayloadToString() == "gone", "the will was not retained");
    }

    [Fact]
    public void WillOptions_BecomeTheConnectWill()
    {
        var (options, error) = MqttCliOptions.Parse(["-t", "a", "-m", "x", "--will-topic", "dev/1/status", "--will-payload", "offline", "--will-qos", "2", "--will-retain"]);

        Assert.Null(error);
        var connect = MqttClientOptionsFactory.Create(options.ToSettings());
        Assert.Equal(("dev/1/status", "offline", MqttQualityOfServiceLevel.ExactlyOnce, true),
            (connect.WillTopic, System.Text.Encoding.UTF8.GetString(connect.WillPayload), connect.WillQualityOfServiceLevel, connect.WillRetain));
        Assert.Null(MqttClientOptionsFactory.Create(MqttCliOptions.Parse(["-t", "a", "-m", "x"]).Options.ToSettings()).WillTopic);
    }

    [Theory]
    [InlineData("pub", "-t")]
    [InlineData("pub", "-t", "a", "-m", "x", "--will-payload", "p")]
    [InlineData("sub", "-t", "a", "--will-retain")]
    [InlineData("pub", "-t", "a", "-m", "x", "--will-topic", "bad/+")]
    [InlineData("pub", "-t", "a", "-m", "x", "--will-topic", "w", "--will-qos", "3")]
    [InlineData("pub", "-q", "3", "-t", "a", "-m", "x")]
    [InlineData("pub", "-t", "a")]
    [InlineData("pub", "-t", "a", "-m", "x", "-M", "0")]
    [InlineData("pub", "-t", "a", "-m", "x", "-V", "311", "-D", "publish", "content-type", "text/plain")]
    [InlineData("sub")]
    [InlineData("sub", "-V", "4", "-t", "a")]
    [InlineData("frobnicate")]
    public async Task BadArguments_ExitWithUsageCode(params string[] args) =>
        Assert.Equal(MqttExitCode.Usage, (await RunAsync("", args)).ExitCode);

    [Fact]
    public async Task Pub_WildcardTopic_ExitsWithUsageCode()
    {
        var (code, _, err) = await RunAsync("", "pub", "-h", "127.0.0.1", "-p", Port, "-t", "cli/+/bad", "-m", "x");

        Assert.True(code == MqttExitCode.Usage, err);
    }

    [Fact]
    public async Task Help_PrintsUsageAndSucceeds()
    {
        var (code, output, _) = await RunAsync("", "pub", "--help");

        Assert.Equal(MqttExitCode.Ok, code);
        Assert.Contains("-h HOST", output, StringComparison.Ordinal);
    }

    private bool BrokerLogMentions(string text)
    {
        using var stream = new FileStream(broker.Broker.LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd().Contains(text, StringComparison.Ordinal);
    }
}

public sealed class MqttCommandSecuredTests(SecuredMosquittoFixture broker) : IClassFixture<SecuredMosquittoFixture>
{
    private string Port => broker.Port.ToString(CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("5")]
    [InlineData("311")]
    public async Task Pub_BadPassword_ExitsWithNotAuthorisedCode(string version)
    {
        var (code, _, err) = await MqttCommandTests.RunAsync("", "pub", "-h", "127.0.0.1", "-p", Port, "-V", version, "-u", SecuredMosquittoFixture.DeviceUser, "-P", "nope", "-t", "a", "-m", "x");

        Assert.True(code == MqttExitCode.NotAuthorized, $"exit {code}: {err}");
    }

    [Fact]
    public async Task Pub_OutsideItsTopics_V5_ExitsWithNotAuthorisedCode()
    {
        var (code, _, err) = await MqttCommandTests.RunAsync("", "pub", "-h", "127.0.0.1", "-p", Port, "-V", "5", "-q", "1",
            "-u", SecuredMosquittoFixture.DeviceUser, "-P", SecuredMosquittoFixture.DevicePassword, "-t", "fleet/v1/d/device-2/cmd", "-m", "x");

        Assert.True(code == MqttExitCode.NotAuthorized, $"exit {code}: {err}");
    }
}

public sealed class MqttCommandTlsTests(TlsMosquittoFixture broker) : IClassFixture<TlsMosquittoFixture>
{
    private string Port => broker.Port.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Pub_WrongCa_ExitsWithTlsCode()
    {
        var (code, _, err) = await MqttCommandTests.RunAsync("", "pub", "-h", "localhost", "-p", Port, "--cafile", broker.Certificates.OtherCaFile, "-t", "a", "-m", "x");

        Assert.True(code == MqttExitCode.TlsError, $"exit {code}: {err}");
    }

    [Fact]
    public async Task Pub_MissingCaFile_ExitsWithTlsCode()
    {
        var (code, _, err) = await MqttCommandTests.RunAsync("", "pub", "-h", "localhost", "-p", Port, "--cafile", Path.Combine(broker.Certificates.Directory, "absent.crt"), "-t", "a", "-m", "x");

        Assert.True(code == MqttExitCode.TlsError, $"exit {code}: {err}");
    }

    [Theory]
    [InlineData("5")]
    [InlineData("311")]
    public async Task Pub_RightCa_Succeeds(string version)
    {
        var (code, _, err) = await MqttCommandTests.RunAsync("", "pub", "-h", "localhost", "-p", Port, "-V", version, "--cafile", broker.Certificates.CaFile, "-q", "1", "-t", "a", "-m", "x");

        Assert.True(code == MqttExitCode.Ok, err);
    }
}

public sealed class MqttCommandMutualTlsTests(MutualTlsMosquittoFixture broker) : IClassFixture<MutualTlsMosquittoFixture>
{
    private string Port => broker.Port.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Pub_WithClientCertificate_Succeeds()
    {
        var (code, _, err) = await MqttCommandTests.RunAsync("", "pub", "-h", "localhost", "-p", Port, "-V", "5", "-q", "1", "--cafile", broker.Certificates.CaFile,
            "--cert", broker.Certificates.ClientCertFile, "--key", broker.Certificates.ClientKeyFile, "-t", "a", "-m", "x");

        Assert.True(code == MqttExitCode.Ok, err);
    }

    [Fact]
    public async Task Pub_WithoutClientCertificate_Fails()
    {
        var (code, _, err) = await MqttCommandTests.RunAsync("", "pub", "-h", "localhost", "-p", Port, "-V", "5", "-q", "1", "--cafile", broker.Certificates.CaFile, "-t", "a", "-m", "x");

        Assert.True(code is MqttExitCode.TlsError or MqttExitCode.ConnectionLost, $"exit {code}: {err}");
    }
}
