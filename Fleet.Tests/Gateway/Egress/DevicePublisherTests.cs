using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Fleet.Gateway.Egress;
using Fleet.Shared.Messaging;
using Fleet.Shared.Protocol;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace Fleet.Tests.Gateway.Egress;

/// <summary>The gateway's outbound session on MQTTnet against a real Mosquitto configured like the managed broker.</summary>
public sealed class DevicePublisherTests(MosquittoFixture broker, ITestOutputHelper output) : IClassFixture<MosquittoFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AThousandDesiredStates_AllArriveRetainedAtQos1()
    {
        const int count = 1000;
        var run = Guid.NewGuid().ToString("N")[..8];
        var received = new ConcurrentDictionary<string, Received>(StringComparer.Ordinal);
        using var watcher = await SubscribeAsync($"fleet/v1/d/+/desired", m =>
        {
            if (m.Topic.Contains(run, StringComparison.Ordinal))
            {
                received[m.Topic] = m;
            }
        });
        await using var publisher = await DevicePublisher.ConnectAsync(Settings(), 64, NullLogger.Instance, CancellationToken.None);

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            publisher.PublishDesiredAsync($"d-{run}-{i}", Encoding.UTF8.GetBytes($$"""{"v":1,"version":{{i + 1}}}"""), CancellationToken.None)));
        await Eventually.TrueAsync(() => received.Count == count, $"{count} desired states", Patience);
        clock.Stop();

        Assert.All(received.Values, m => Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, m.QualityOfServiceLevel));
        Assert.Equal(
            Enumerable.Range(0, count).Select(i => $"{{\"v\":1,\"version\":{i + 1}}}").Order(StringComparer.Ordinal),
            received.Values.Select(m => Encoding.UTF8.GetString(m.Payload)).Order(StringComparer.Ordinal));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} desired-state publications (QoS 1, retained) in {clock.Elapsed.TotalMilliseconds:F0} ms: {count / clock.Elapsed.TotalSeconds:F0} msg/s"));

        // Retained: a device subscribing later still gets its desired state.
        var late = new ConcurrentBag<Received>();
        using var device = await SubscribeAsync($"fleet/v1/d/d-{run}-7/desired", late.Add);
        await Eventually.TrueAsync(() => late.Any(m => m.Retain), "the retained desired state", Patience);
    }

    [Fact]
    public async Task ACommand_CarriesTheResponseTopicAndCorrelationData()
    {
        var id = "cmd-" + Guid.NewGuid().ToString("N")[..8];
        var received = new ConcurrentBag<Received>();
        using var device = await SubscribeAsync(Topics.Command(id), received.Add);
        await using var publisher = await DevicePublisher.ConnectAsync(Settings(), 64, NullLogger.Instance, CancellationToken.None);

        await publisher.PublishCommandAsync(id, new CommandRequest { Id = "c-42", Name = "ping" }, CancellationToken.None);

        await Eventually.TrueAsync(() => !received.IsEmpty, "the command", Patience);
        var command = received.Single();
        var resultTopic = Topics.FromDevice(id, TopicKind.CommandResult, 64);
        Assert.Equal(resultTopic, command.ResponseTopic);
        Assert.Equal("c-42", Encoding.UTF8.GetString(command.CorrelationData ?? []));
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, command.QualityOfServiceLevel);
        var decoded = WireCodec.DecodeCommand(command.Payload);
        Assert.True(decoded.IsSuccess);
        Assert.Equal(resultTopic, decoded.Value.ResponseTopic);
    }

    [Fact]
    public async Task TwoPublishers_HaveDistinctClientIds_AndNeitherTakesTheOthersSessionOver()
    {
        await using var first = await DevicePublisher.ConnectAsync(Settings(), 64, NullLogger.Instance, CancellationToken.None);
        await using var second = await DevicePublisher.ConnectAsync(Settings(), 64, NullLogger.Instance, CancellationToken.None);

        Assert.NotEqual(first.ClientId, second.ClientId);
        Assert.StartsWith("fleet-gw-out-", first.ClientId, StringComparison.Ordinal);
        Assert.DoesNotContain(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), first.ClientId, StringComparison.Ordinal);
        await first.PublishDesiredAsync("two-a", Encoding.UTF8.GetBytes("""{"v":1,"version":1}"""), CancellationToken.None);
        await second.PublishDesiredAsync("two-b", Encoding.UTF8.GetBytes("""{"v":1,"version":1}"""), CancellationToken.None);
        await first.PublishDesiredAsync("two-a", Encoding.UTF8.GetBytes("""{"v":1,"version":2}"""), CancellationToken.None);
    }

    [Fact]
    public async Task AfterTheBrokerRestarts_TheNextPublicationReconnects()
    {
        await using var extra = await MosquittoFixture.StartAsync(new Fleet.Shared.Servers.MosquittoOptions());
        await using var publisher = await DevicePublisher.ConnectAsync(new MqttConnectionSettings { Host = extra.Host, Port = extra.Port, ClientId = "" }, 64, NullLogger.Instance, CancellationToken.None);
        await publisher.PublishDesiredAsync("restart-1", Encoding.UTF8.GetBytes("""{"v":1,"version":1}"""), CancellationToken.None);

        await extra.RestartAsync();

        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await publisher.PublishDesiredAsync("restart-1", Encoding.UTF8.GetBytes("""{"v":1,"version":2}"""), CancellationToken.None);
                return true;
            }
            catch (Exception ex) when (MqttFailure.Classify(ex) != MqttFailureKind.None || ex is MQTTnet.Exceptions.MqttClientNotConnectedException)
            {
                return false;
            }
        }, "a publication after the restart", Patience);
    }

    private sealed record Received(string Topic, byte[] Payload, MqttQualityOfServiceLevel QualityOfServiceLevel, bool Retain, string? ResponseTopic, byte[]? CorrelationData);

    private MqttConnectionSettings Settings() => new() { Host = broker.Host, Port = broker.Port, ClientId = "" };

    private async Task<IMqttClient> SubscribeAsync(string filter, Action<Received> received)
    {
        var client = await TestMqtt.ConnectAsync(new MqttConnectionSettings { Host = broker.Host, Port = broker.Port, ClientId = "watch-" + Guid.NewGuid().ToString("N")[..8] });
        client.ApplicationMessageReceivedAsync += e =>
        {
            var m = e.ApplicationMessage;
            received(new Received(m.Topic, m.Payload.ToArray(), m.QualityOfServiceLevel, m.Retain, m.ResponseTopic, m.CorrelationData));
            return Task.CompletedTask;
        };
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return client;
    }
}
