using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Fleet.Shared.Messaging;
using Fleet.Shared.Protocol;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Bench.Rollouts;

/// <summary>
/// Many lightweight protocol-speaking devices behind one MQTTnet session: each id reports a model version, sends a
/// telemetry window, and answers every desired state naming a model with an update event (the outcome <see cref="Decide"/>
/// picks) and a new report. No ONNX inference: this measures the gateway's rollout machinery, not the devices.
/// </summary>
internal sealed class SimulatedFleet : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly Channel<(string Topic, byte[] Payload)> _inbox = Channel.CreateBounded<(string, byte[])>(8192);
    private readonly ConcurrentDictionary<string, Device> _devices = new(StringComparer.Ordinal);
    private readonly Task _loop;
    private readonly Random _random = new(11);
    private volatile bool _disposed;

    private SimulatedFleet(IMqttClient client)
    {
        _client = client;
        // Answers are published from a loop of their own: awaiting a PUBACK inside MQTTnet's receive handler would
        // stall the connection's reads.
        client.ApplicationMessageReceivedAsync += e => _inbox.Writer.WriteAsync((e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray())).AsTask();
        _loop = Task.Run(async () =>
        {
            await foreach (var (topic, payload) in _inbox.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                try
                {
                    await OnMessageAsync(topic, payload).ConfigureAwait(false);
                }
                catch (Exception ex) when (_disposed && ex is ObjectDisposedException or MQTTnet.Exceptions.MqttClientNotConnectedException or MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
                {
                    // A desired state that arrived while the bench was shutting the fleet down.
                    return;
                }
            }
        });
    }

    /// <summary>Outcome of an update to a version: committed, rolledBack or refused.</summary>
    public Func<string, string> Decide { get; set; } = _ => "committed";

    /// <summary>Heal outcome a device reports right after committing a version (null: none).</summary>
    public Func<string, string?> HealAfterCommit { get; set; } = _ => null;

    /// <summary>When each device last received a desired state naming <see cref="Watched"/>.</summary>
    public ConcurrentDictionary<string, DateTimeOffset> Returned { get; } = new(StringComparer.Ordinal);

    /// <summary>Devices that were ever sent each version.</summary>
    public ConcurrentDictionary<string, ConcurrentDictionary<string, bool>> Received { get; } = new(StringComparer.Ordinal);

    public string? Watched { get; set; }

    public static async Task<SimulatedFleet> StartAsync(int port, IReadOnlyList<string> ids, string modelId, string version)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var fleet = new SimulatedFleet(client);
        var connected = await client.ConnectAsync(MqttClientOptionsFactory.Create(new MqttConnectionSettings { Host = "127.0.0.1", Port = port, ClientId = "bench-rollout-fleet" })).ConfigureAwait(false);
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException("broker refused the simulated fleet: " + connected.ResultCode);
        }

        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("fleet/v1/d/+/desired", MqttQualityOfServiceLevel.AtLeastOnce).Build()).ConfigureAwait(false);
        foreach (var id in ids)
        {
            var device = new Device(id, modelId, version);
            fleet._devices[id] = device;
            await fleet.PublishAsync(device, TopicKind.Status, new JsonObject { ["state"] = "online" }, retain: true).ConfigureAwait(false);
            await fleet.ReportAsync(device, 0).ConfigureAwait(false);
            await fleet.TelemetryAsync(device).ConfigureAwait(false);
        }

        return fleet;
    }

    private async Task OnMessageAsync(string topic, byte[] payload)
    {
        var address = Topics.Parse(topic);
        if (!address.IsSuccess || address.Value.Kind != TopicKind.Desired || !_devices.TryGetValue(address.Value.DeviceId, out var device))
        {
            return;
        }

        var decoded = WireCodec.DecodeDesired(payload);
        if (!decoded.IsSuccess || decoded.Value.Version <= device.Answered)
        {
            return;
        }

        var desired = decoded.Value;
        device.Answered = desired.Version;
        var model = desired.Model;
        if (model is null || model.Version == device.Version)
        {
            if (model is not null && model.Version == Watched)
            {
                Returned[device.Id] = DateTimeOffset.UtcNow;
            }

            await ReportAsync(device, desired.Version).ConfigureAwait(false);
            return;
        }

        Received.GetOrAdd(model.Version, _ => new(StringComparer.Ordinal))[device.Id] = true;
        var outcome = model.AllowRollback ? "committed" : Decide(model.Version);
        if (outcome == "committed")
        {
            device.Version = model.Version;
        }

        if (model.Version == Watched)
        {
            Returned[device.Id] = DateTimeOffset.UtcNow;
        }

        await PublishAsync(device, TopicKind.Events, new JsonObject
        {
            ["type"] = "update",
            ["desiredVersion"] = desired.Version,
            ["modelVersion"] = model.Version,
            ["outcome"] = outcome,
            ["reason"] = outcome == "committed" ? "soaked" : "golden validation failed",
        }).ConfigureAwait(false);
        await ReportAsync(device, desired.Version).ConfigureAwait(false);
        await TelemetryAsync(device).ConfigureAwait(false);
        if (outcome == "committed" && !model.AllowRollback && HealAfterCommit(model.Version) is { } heal)
        {
            await PublishAsync(device, TopicKind.Events, new JsonObject
            {
                ["type"] = "heal",
                ["id"] = "h-" + device.Id + "-" + desired.Version,
                ["diagnosis"] = "hardware",
                ["trigger"] = "kl",
                ["rungs"] = new JsonArray(new JsonObject { ["rung"] = "reload", ["validation"] = "fail" }),
                ["outcome"] = heal,
                ["modelVersion"] = model.Version,
            }).ConfigureAwait(false);
        }
    }

    private Task ReportAsync(Device device, long desiredVersion) =>
        PublishAsync(device, TopicKind.Report, new JsonObject
        {
            ["desiredVersion"] = desiredVersion,
            ["model"] = new JsonObject { ["id"] = device.ModelId, ["version"] = device.Version, ["source"] = "active" },
            ["health"] = "healthy",
        }, retain: true);

    private Task TelemetryAsync(Device device)
    {
        double kl;
        lock (_random)
        {
            kl = 0.04 + (0.02 * _random.NextDouble());
        }

        return PublishAsync(device, TopicKind.Telemetry, new JsonObject { ["window"] = 4, ["kl"] = kl, ["klThreshold"] = 0.3, ["latencyP99Us"] = 400, ["heals"] = 0 });
    }

    private async Task PublishAsync(Device device, TopicKind kind, JsonObject body, bool retain = false)
    {
        body["v"] = 1;
        body["seq"] = Interlocked.Increment(ref device.Seq);
        body["epoch"] = 1;
        var qos = kind == TopicKind.Telemetry ? MqttQualityOfServiceLevel.AtMostOnce : MqttQualityOfServiceLevel.AtLeastOnce;
        var result = await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.FromDevice(device.Id, kind)).WithPayload(Encoding.UTF8.GetBytes(body.ToJsonString()))
            .WithQualityOfServiceLevel(qos).WithRetainFlag(retain).Build()).ConfigureAwait(false);
        if ((int)result.ReasonCode >= 0x80)
        {
            throw new InvalidOperationException($"publish for {device.Id} failed: {result.ReasonCode}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptions()).ConfigureAwait(false);
        }

        _client.Dispose();
        _inbox.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private sealed class Device(string id, string modelId, string version)
    {
        public long Seq;

        public string Id { get; } = id;

        public string ModelId { get; } = modelId;

        public string Version { get; set; } = version;

        public long Answered { get; set; }
    }
}
