using Fleet.Shared.Servers;
using Fleet.Tests.Infrastructure;

namespace Fleet.Tests.Servers;

public sealed class MosquittoBrokerTests(MosquittoFixture fixture) : IClassFixture<MosquittoFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Start_Anonymous_RelaysAMessageBetweenReferenceClients()
    {
        var port = fixture.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var sub = ProcessRunner.RunAsync("mosquitto_sub", ["-h", "127.0.0.1", "-p", port, "-t", "fixture/anon", "-C", "1", "-W", "15"], Timeout);
        await PublishUntilReceivedAsync(sub, ["-h", "127.0.0.1", "-p", port, "-t", "fixture/anon", "-m", "hello"]);
        var result = await sub;
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("hello", result.StandardOutput.Trim());
    }

    [Fact]
    public async Task Restart_WithPersistence_KeepsRetainedMessages()
    {
        await using var broker = await MosquittoFixture.StartAsync(new MosquittoOptions { Persistence = true });
        var port = broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var pub = await ProcessRunner.RunAsync("mosquitto_pub", ["-h", "127.0.0.1", "-p", port, "-t", "keep/me", "-m", "42", "-r", "-q", "1"], Timeout);
        Assert.Equal(0, pub.ExitCode);

        await broker.RestartAsync();

        var sub = await ProcessRunner.RunAsync("mosquitto_sub", ["-h", "127.0.0.1", "-p", port, "-t", "keep/me", "-C", "1", "-W", "10"], Timeout);
        Assert.Equal("42", sub.StandardOutput.Trim());
    }

    [Fact]
    public async Task Start_WithTakenPort_FailsWithReason()
    {
        var ex = await Assert.ThrowsAsync<MosquittoUnavailableException>(() =>
            MosquittoFixture.StartAsync(new MosquittoOptions { Port = fixture.Port }));
        Assert.Contains(fixture.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }

    internal static async Task PublishUntilReceivedAsync(Task<ProcessRunner.Result> subscriber, string[] publishArguments)
    {
        // mosquitto_sub needs a moment to subscribe; publish until it has received (bounded by -W).
        while (!subscriber.IsCompleted)
        {
            await ProcessRunner.RunAsync("mosquitto_pub", publishArguments, Timeout);
            await Task.WhenAny(subscriber, Task.Delay(100));
        }
    }
}
