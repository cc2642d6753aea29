using System.Collections.Concurrent;
using System.Text;
using Fleet.Gateway.Ingress;
using Fleet.Gateway.Metrics;
using Fleet.Gateway.Rejections;
using Fleet.Gateway.Store;
using Fleet.Gateway.Twins;
using Fleet.Shared.Messaging;
using Fleet.Shared.Protocol;
using Fleet.Tests.Device.Storage;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Tests.Gateway.Ingress;

/// <summary>
/// A shard session that closes (its shard handed to another node) while a message waits for its twin leaves that
/// message unacknowledged, and hands nothing after it to a twin: the next holder delivers them in order. A twin
/// takes a later (epoch, seq) as proof the earlier ones were seen, so a later message overtaking an unstored earlier
/// one would make the twin acknowledge the earlier one's redelivery as a duplicate — an acknowledged event lost.
/// </summary>
public sealed class ShardSessionOrderTests(MosquittoFixture broker) : IClassFixture<MosquittoFixture>, IAsyncLifetime
{
    private const int Shards = 4;
    private readonly TempDirectory _data = new();
    private IFleetStore _store = null!;

    public async Task InitializeAsync() =>
        _store = await FleetStoreFactory.OpenAsync(new FleetStoreOptions(), _data.Path, TimeProvider.System, CancellationToken.None);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task ASessionClosedWhileATwinWaits_HandsNothingLaterToATwin_TheNextHolderDeliversInOrder()
    {
        const string device = "order-dev";
        var shard = Sharding.ShardOf(device, Shards);
        var settings = new MqttConnectionSettings { Host = broker.Host, Port = broker.Port, ClientId = "" };
        await using (var first = await StartAsync(shard, settings, new StuckTwins()))
        {
            // The session exists (persistent), so the broker queues for it from here on.
        }

        var stuck = new StuckTwins();
        var holder = await StartAsync(shard, settings, stuck);
        using var device1 = await TestMqtt.ConnectAsync(settings with { ClientId = device });
        foreach (var seq in new[] { 1, 2, 3 })
        {
            await device1.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic(Topics.FromDevice(device, TopicKind.Events, Shards))
                .WithPayload(Encoding.UTF8.GetBytes($"m{seq}"))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build());
        }

        await stuck.FirstArrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await holder.DisposeAsync();

        Assert.Equal(["m1"], stuck.Delivered);
        var next = new RecordingTwins(expected: 3);
        await using (await StartAsync(shard, settings, next))
        {
            await next.All.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(["m1", "m2", "m3"], next.Delivered);
    }

    private async Task<ShardSession> StartAsync(int shard, MqttConnectionSettings settings, ITwinDelivery twins)
    {
        var metrics = new MetricsRegistry();
        var session = new ShardSession(
            shard, Shards, settings, twins, new RejectionRecorder(_store, metrics, NullLogger.Instance), new TwinCounters(metrics),
            new DurabilityPolicy(), TimeProvider.System, NullLogger.Instance);
        await session.StartAsync(CancellationToken.None);
        return session;
    }

    /// <summary>The first message's twin never answers (its node is slow or gone); records what it was handed.</summary>
    private sealed class StuckTwins : ITwinDelivery
    {
        private readonly ConcurrentQueue<string> _delivered = new();

        public TaskCompletionSource FirstArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<string> Delivered => [.. _delivered];

        public void Post(DeviceMessage message) => _delivered.Enqueue(Encoding.UTF8.GetString(message.Payload.Span));

        public async Task PersistAsync(DeviceMessage message, CancellationToken cancellationToken)
        {
            _delivered.Enqueue(Encoding.UTF8.GetString(message.Payload.Span));
            FirstArrived.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
    }

    private sealed class RecordingTwins(int expected) : ITwinDelivery
    {
        private readonly ConcurrentQueue<string> _delivered = new();

        public TaskCompletionSource All { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<string> Delivered => [.. _delivered];

        public void Post(DeviceMessage message) => Record(message);

        public Task PersistAsync(DeviceMessage message, CancellationToken cancellationToken)
        {
            Record(message);
            return Task.CompletedTask;
        }

        private void Record(DeviceMessage message)
        {
            _delivered.Enqueue(Encoding.UTF8.GetString(message.Payload.Span));
            if (_delivered.Count >= expected)
            {
                All.TrySetResult();
            }
        }
    }
}
