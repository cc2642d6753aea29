using Fleet.Device.Uplink.Queue;
using Fleet.Shared.Messaging;
using Fleet.Shared.Protocol;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Device.Uplink;

/// <summary>
/// One MCU's MQTT session on the hub (<c>fleet-device --mcu</c>, Fleet.Device/Mcu): the <see cref="QueuedUplink"/> of the device agent (fresh client per connection,
/// persistent session, Last Will, retained report, QoS 1 events from an on-disk queue acknowledged only after PUBACK)
/// carrying payloads the MCU stamped itself with its own (epoch, seq); the hub adds nothing to them.
/// </summary>
/// <remarks>
/// After every connection the MCU is asked (<c>sync</c>, the callback the bridge gives) for a fresh status and report: a
/// republished old status would carry a seq the gateway has already seen after the broker's Last Will. The offline
/// statuses the hub sends itself (shutdown, or lost when the link closed) have no seq, like the Last Will.
/// </remarks>
internal sealed class McuUplink(string deviceId, MqttConnectionSettings settings, DiskEventQueue queue, TimeProvider time, ILogger logger, Func<CancellationToken, Task> sync, int shardCount = Sharding.DefaultShardCount)
    : QueuedUplink(deviceId, settings, OfflineLost, queue, time, logger, shardCount)
{
    private static readonly byte[] OfflineLost = """{"v":1,"state":"offline","reason":"lost"}"""u8.ToArray();
    private static readonly byte[] OfflineShutdown = """{"v":1,"state":"offline","reason":"shutdown"}"""u8.ToArray();
    private byte[]? _report;

    /// <summary>Set when the link to the MCU closed: the goodbye then says <c>lost</c>, not <c>shutdown</c>.</summary>
    public bool LinkLost { get; set; }

    /// <summary>The MCU's status, published retained at QoS 1 when connected (after a connection the MCU sends a fresh one).</summary>
    public void Status(byte[] json)
    {
        if (ConnectedClient is { } client)
        {
            _ = PublishQuietlyAsync(client, Message(From(TopicKind.Status), json, MqttQualityOfServiceLevel.AtLeastOnce, retain: true));
        }
    }

    /// <summary>The MCU's report: kept and published retained as soon as connected.</summary>
    public void Report(byte[] json)
    {
        Volatile.Write(ref _report, json);
        ReportChanged();
    }

    /// <summary>Telemetry at QoS 0 when connected; dropped otherwise (a sample, not a record).</summary>
    public void Telemetry(byte[] json)
    {
        if (ConnectedClient is { } client)
        {
            _ = PublishQuietlyAsync(client, Message(From(TopicKind.Telemetry), json, MqttQualityOfServiceLevel.AtMostOnce));
        }
    }

    /// <summary>An event: on disk before this completes, published at QoS 1 in order, removed after its PUBACK.</summary>
    public ValueTask EnqueueAsync(byte[] json, CancellationToken cancellationToken) => EnqueuePayloadAsync(json, cancellationToken);

    /// <summary>A command's answer, on the request's response topic with its correlation data (or the device's cmd-result topic).</summary>
    public void Answer(string? responseTopic, ReadOnlyMemory<byte>? correlation, byte[] json)
    {
        if (ConnectedClient is not { } client)
        {
            return;
        }

        var message = Message(responseTopic ?? From(TopicKind.CommandResult), json, MqttQualityOfServiceLevel.AtLeastOnce);
        if (correlation is { Length: > 0 } data)
        {
            message.CorrelationData = data.ToArray();
        }

        _ = PublishQuietlyAsync(client, message);
    }

    protected override ReadOnlyMemory<byte>? NextReport() => Volatile.Read(ref _report);

    protected override Task OnConnectedAsync(IMqttClient client, CancellationToken cancellationToken) => sync(cancellationToken);

    protected override Task OnShutdownAsync(IMqttClient client, CancellationToken cancellationToken) =>
        PublishAsync(client, Message(From(TopicKind.Status), LinkLost ? OfflineLost : OfflineShutdown, MqttQualityOfServiceLevel.AtLeastOnce, retain: true), cancellationToken);
}
