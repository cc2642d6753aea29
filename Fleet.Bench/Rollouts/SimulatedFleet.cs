using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Shared.Protocol;

namespace Fleet.Bench.Rollouts;

/// <summary>
/// Many lightweight protocol-speaking devices behind one MQTT session: each id reports a model version, sends a
/// telemetry window, and answers every desired state naming a model with an update event (the outcome <see cref="Decide"/>
/// picks) and a new report. No ONNX inference: this measures the gateway's rollout machinery, not the devices.
/// </summary>
internal sealed class SimulatedFleet : IAsyncDisposable
{
    private readonly MqttClient _client;
    private readonly ConcurrentDictionary<string, Device> _devices = new(StringComparer.Ordinal);
    private readonly Task _loop;
    private readonly Random _random = new(11);
    private volatile bool _disposed;

    private SimulatedFleet(MqttClient client)
    {
        _client = client;
        var reader = client.CreateMessageReader(8192);
        _loop = Task.Run(async () =>
        {
            await foreach (var message in reader.ReadAllAsync().ConfigureAwait(false))
            {
                try
                {
                    await OnMessageAsync(message).ConfigureAwait(false);
                }
                catch (ObjectDisposedException) when (_disposed)
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
        var client = new MqttClient(new MqttClientOptions { Port = port, ClientId = "bench-rollout-fleet", AutoReconnect = true });
        var fleet = new SimulatedFleet(client);
        var connected = await client.ConnectAsync().ConfigureAwait(false);
        if (!connected.IsSuccess)
        {
            throw new InvalidOperationException("broker refused the simulated fleet: " + connected.ResultCode);
        }

        await client.SubscribeAsync("fleet/v1/d/+/desired").ConfigureAwait(false);
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

    private async Task OnMessageAsync(MqttApplicationMessage message)
    {
        var address = Topics.Parse(message.Topic);
        if (!address.IsSuccess || address.Value.Kind != TopicKind.Desired || !_devices.TryGetValue(address.Value.DeviceId, out var device))
        {
            return;
        }

        var decoded = WireCodec.DecodeDesired(message.Payload.Span);
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
        var qos = kind == TopicKind.Telemetry ? MqttQualityOfService.AtMostOnce : MqttQualityOfService.AtLeastOnce;
        var result = await _client.PublishAsync(new MqttApplicationMessage(Topics.FromDevice(device.Id, kind), Encoding.UTF8.GetBytes(body.ToJsonString())) { QualityOfService = qos, Retain = retain }).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"publish for {device.Id} failed: {result.ReasonCode}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await _client.DisposeAsync().ConfigureAwait(false);
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
