using Fleet.Device.Uplink.Queue;
using Fleet.Shared.Messaging;
using Fleet.Shared.Protocol;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Fleet.Device.Uplink;

/// <summary>
/// The device agent's MQTT side (docs/PROTOCOL.md) on a <see cref="QueuedUplink"/>: status online + Last Will
/// offline, the retained report, telemetry at QoS 0, and events at QoS 1 through the on-disk queue so they survive
/// broker outages and agent restarts; every message stamped here with the device's (epoch, seq).
/// </summary>
/// <remarks>
/// Commands are answered on the MQTT 5 response topic with the correlation data, or on <c>cmd-result</c> by command
/// id on MQTT 3.1.1. Events are stamped with the next <see cref="SequenceSource"/> value when handed over and reach
/// the disk in that order. Telemetry while offline is dropped (it is a sample, not a record).
/// </remarks>
internal sealed class DeviceUplink : QueuedUplink
{
    private readonly SequenceSource _seq;
    private readonly Lock _stamp = new();
    private readonly string _agent;
    private ReportMessage? _report;

    /// <param name="deviceId">The device; also its MQTT client id.</param>
    /// <param name="settings">The broker connection (host, port, version, credentials, TLS); the uplink sets the client id, the persistent session and the will.</param>
    /// <param name="shardCount">The gateway's shard count: the shard in the topics the device publishes on depends on it.</param>
    public DeviceUplink(string deviceId, MqttConnectionSettings settings, DiskEventQueue queue, SequenceSource seq, TimeProvider time, ILogger logger, string agent, int shardCount = Sharding.DefaultShardCount)
        : base(deviceId, settings, WireCodec.Encode(StatusMessage.LastWill), queue, time, logger, shardCount)
    {
        _seq = seq;
        _agent = agent;
    }

    public long Epoch => _seq.Epoch;

    /// <summary>Replaces the reported state; it is published (retained) as soon as connected.</summary>
    public void Report(ReportMessage report)
    {
        Volatile.Write(ref _report, report);
        ReportChanged();
    }

    /// <summary>Publishes telemetry at QoS 0 when connected; dropped otherwise.</summary>
    public void Telemetry(TelemetryMessage telemetry)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        if (ConnectedClient is not { } client)
        {
            return;
        }

        var message = telemetry with { Seq = _seq.Next(), Epoch = _seq.Epoch, Ts = Time.GetUtcNow() };
        _ = PublishQuietlyAsync(client, Message(From(TopicKind.Telemetry), WireCodec.Encode(message), MqttQualityOfServiceLevel.AtMostOnce));
    }

    /// <summary>
    /// Stamps the event with the next seq and hands it to the disk writer; completes once it is on disk. Events
    /// reach the disk in the order of these calls, and the caller's thread never waits for the disk.
    /// </summary>
    public ValueTask EnqueueAsync(DeviceEvent deviceEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceEvent);
        lock (_stamp)
        {
            var stamped = deviceEvent with { Seq = _seq.Next(), Epoch = _seq.Epoch, Ts = deviceEvent.Ts ?? Time.GetUtcNow() };
            return EnqueuePayloadAsync(WireCodec.Encode<DeviceEvent>(stamped), cancellationToken);
        }
    }

    /// <summary>Answers a command on its MQTT 5 response topic with its correlation data (or on <c>cmd-result</c>).</summary>
    public async ValueTask RespondAsync(InboundMessage request, CommandRequest command, bool ok, System.Text.Json.JsonElement? result, string? error)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(command);
        if (ConnectedClient is not { } client)
        {
            return;
        }

        var answer = new CommandResult { Seq = _seq.Next(), Epoch = _seq.Epoch, Id = command.Id, Ok = ok, Result = result, Error = error };
        var payload = WireCodec.Encode(answer);
        MqttApplicationMessage message;
        if (request.ResponseTopic is { } responseTopic && Settings.ProtocolVersion == MqttProtocolVersion.V500)
        {
            var builder = new MqttApplicationMessageBuilder().WithTopic(responseTopic).WithPayload(payload)
                .WithQualityOfServiceLevel(request.QualityOfService >= 1 ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce);
            if (request.CorrelationData is { Length: > 0 } correlation)
            {
                builder = builder.WithCorrelationData(correlation.ToArray());
            }

            message = builder.Build();
        }
        else
        {
            message = Message(command.ResponseTopic ?? From(TopicKind.CommandResult), payload, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        await PublishQuietlyAsync(client, message).ConfigureAwait(false);
    }

    protected override ReadOnlyMemory<byte>? NextReport() =>
        Volatile.Read(ref _report) is { } report
            ? WireCodec.Encode(report with { Seq = _seq.Next(), Epoch = _seq.Epoch, Ts = Time.GetUtcNow(), Agent = _agent })
            : null;

    protected override Task OnConnectedAsync(IMqttClient client, CancellationToken cancellationToken) => StatusAsync(client, DeviceState.Online, null, cancellationToken);

    protected override Task OnShutdownAsync(IMqttClient client, CancellationToken cancellationToken) => StatusAsync(client, DeviceState.Offline, OfflineReason.Shutdown, cancellationToken);

    private Task StatusAsync(IMqttClient client, DeviceState state, OfflineReason? reason, CancellationToken cancellationToken)
    {
        var status = new StatusMessage { Seq = _seq.Next(), Epoch = _seq.Epoch, Ts = Time.GetUtcNow(), State = state, Reason = reason, Agent = _agent };
        return PublishAsync(client, Message(From(TopicKind.Status), WireCodec.Encode(status), MqttQualityOfServiceLevel.AtLeastOnce, retain: true), cancellationToken);
    }
}
