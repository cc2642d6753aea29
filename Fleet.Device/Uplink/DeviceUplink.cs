using System.Buffers;
using System.Threading.Channels;
using Fleet.Device.Uplink.Queue;
using Fleet.Shared.Diagnostics;
using Fleet.Shared.Messaging;
using Fleet.Shared.Protocol;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Fleet.Device.Uplink;

/// <summary>
/// The device's MQTT side (docs/PROTOCOL.md), on MQTTnet: status online + Last Will offline, the retained report,
/// telemetry at QoS 0, and events at QoS 1 through the on-disk queue so they survive broker outages and agent
/// restarts.
/// </summary>
/// <remarks>
/// <para>At-least-once is ours, not the library's: MQTTnet 5 keeps no session state and never resends an
/// unacknowledged PUBLISH after a reconnect. So an event stays in the queue until a PUBACK for it arrives on some
/// connection; one event is in flight at a time (MQTTnet has no Receive Maximum window); after a reconnect the
/// oldest unacknowledged event is published again under a new packet id, and the gateway deduplicates by
/// (epoch, seq). A PUBACK with reason "no matching subscribers" means the broker dropped the event (no gateway
/// shard session yet): it stays queued and is retried.</para>
/// <para>Each connection is a fresh client. The session is persistent (MQTT 5 clean start off with a session
/// expiry; MQTT 3.1.1 clean session off), so desired state and commands queued by the broker while the device was
/// away arrive when it returns. Commands are answered on the MQTT 5 response topic with the correlation data, or
/// on <c>cmd-result</c> by command id on MQTT 3.1.1.</para>
/// <para>Events are stamped with the next <see cref="SequenceSource"/> value when published and written to disk
/// by one writer in that order, off the caller's thread. Telemetry while offline is dropped (it is a sample, not
/// a record); when the bounded queue is full its oldest events are dropped and counted.</para>
/// </remarks>
internal sealed partial class DeviceUplink : IAsyncDisposable
{
    public const uint SessionExpirySeconds = 86_400;
    private static readonly TimeSpan AckPatience = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan NoSubscriberRetry = TimeSpan.FromSeconds(1);
    private readonly string _deviceId;
    private readonly MqttConnectionSettings _settings;
    private readonly MqttClientFactory _factory = new();
    private readonly DiskEventQueue _queue;
    private readonly SequenceSource _seq;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private readonly Lock _stamp = new();
    private readonly string _agent;
    private readonly int _shardCount;
    private IMqttClient? _client;
    private ReportMessage? _report;
    private volatile bool _reportSent = true;
    private long _published;
    private long _noSubscribers;
    private long _connections;
    private Task? _pump;

    /// <param name="deviceId">The device; also its MQTT client id.</param>
    /// <param name="settings">The broker connection (host, port, version, credentials, TLS); the uplink sets the client id, the persistent session and the will.</param>
    /// <param name="shardCount">The gateway's shard count: the shard in the topics the device publishes on depends on it.</param>
    public DeviceUplink(string deviceId, MqttConnectionSettings settings, DiskEventQueue queue, SequenceSource seq, TimeProvider time, ILogger logger, string agent, int shardCount = Sharding.DefaultShardCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shardCount);
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        ArgumentNullException.ThrowIfNull(settings);
        _deviceId = deviceId;
        _queue = queue;
        _seq = seq;
        _time = time;
        _logger = logger;
        _agent = agent;
        _shardCount = shardCount;
        _settings = settings with
        {
            ClientId = deviceId,
            CleanStart = false,
            SessionExpiryInterval = SessionExpirySeconds,
            Will = new MqttWillSettings(Topics.FromDevice(deviceId, TopicKind.Status, shardCount), WireCodec.Encode(StatusMessage.LastWill), MqttQualityOfServiceLevel.AtLeastOnce, Retain: true),
        };
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>The device's topic of <paramref name="kind"/> (<c>fleet/v1/s/{shard}/{id}/…</c>).</summary>
    private string From(TopicKind kind) => Topics.FromDevice(_deviceId, kind, _shardCount);

    /// <summary>Messages on <c>fleet/v1/d/{id}/#</c> (desired state, commands).</summary>
    public Func<InboundMessage, ValueTask>? Received { get; set; }

    public bool IsConnected => Volatile.Read(ref _client)?.IsConnected == true;

    public long Epoch => _seq.Epoch;

    /// <summary>Events waiting in the on-disk queue.</summary>
    public int Pending => _queue.Count;

    /// <summary>Events dropped because the queue was full.</summary>
    public long Dropped => _queue.DroppedCount;

    /// <summary>Event publications the broker acknowledged, republications after a lost connection included.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>PUBACKs that said "no matching subscribers": the event was kept and retried.</summary>
    public long NoSubscriberRetries => Interlocked.Read(ref _noSubscribers);

    /// <summary>Connections made so far.</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>The payloads of up to <paramref name="maxCount"/> of the oldest queued events, without removing them.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> PeekPending(int maxCount) => [.. _queue.PeekBatch(maxCount).Select(q => q.Payload)];

    /// <summary>Starts connecting (retrying in the background until the broker answers) and the delivery loop.</summary>
    public void Start()
    {
        _pump ??= Task.Run(() => PumpAsync(_stop.Token));
    }

    /// <summary>Replaces the reported state; it is published (retained) as soon as connected.</summary>
    public void Report(ReportMessage report)
    {
        Volatile.Write(ref _report, report);
        _reportSent = false;
        _signal.Release();
    }

    /// <summary>Publishes telemetry at QoS 0 when connected; dropped otherwise.</summary>
    public void Telemetry(TelemetryMessage telemetry)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        if (Volatile.Read(ref _client) is not { IsConnected: true } client)
        {
            return;
        }

        var message = telemetry with { Seq = _seq.Next(), Epoch = _seq.Epoch, Ts = _time.GetUtcNow() };
        _ = PublishQuietlyAsync(client, Message(From(TopicKind.Telemetry), WireCodec.Encode(message), MqttQualityOfServiceLevel.AtMostOnce));
    }

    /// <summary>
    /// Stamps the event with the next seq and hands it to the disk writer; completes once it is on disk. Events
    /// reach the disk in the order of these calls, and the caller's thread never waits for the disk.
    /// </summary>
    public ValueTask EnqueueAsync(DeviceEvent deviceEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceEvent);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_stamp)
        {
            var stamped = deviceEvent with { Seq = _seq.Next(), Epoch = _seq.Epoch, Ts = deviceEvent.Ts ?? _time.GetUtcNow() };
            if (!_writes.Writer.TryWrite(new PendingWrite(WireCodec.Encode<DeviceEvent>(stamped), done, cancellationToken)))
            {
                throw new ObjectDisposedException(nameof(DeviceUplink));
            }
        }

        return new ValueTask(done.Task);
    }

    /// <summary>Answers a command on its MQTT 5 response topic with its correlation data (or on <c>cmd-result</c>).</summary>
    public async ValueTask RespondAsync(InboundMessage request, CommandRequest command, bool ok, System.Text.Json.JsonElement? result, string? error)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(command);
        if (Volatile.Read(ref _client) is not { IsConnected: true } client)
        {
            return;
        }

        var answer = new CommandResult { Seq = _seq.Next(), Epoch = _seq.Epoch, Id = command.Id, Ok = ok, Result = result, Error = error };
        var payload = WireCodec.Encode(answer);
        MqttApplicationMessage message;
        if (request.ResponseTopic is { } responseTopic && _settings.ProtocolVersion == MqttProtocolVersion.V500)
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

    /// <summary>What the agent keeps of a delivered MQTT message (the payload is copied: MQTTnet reuses its buffer).</summary>
    internal static InboundMessage ToInbound(MqttApplicationMessage message) =>
        new(message.Topic, message.Payload.ToArray(), (int)message.QualityOfServiceLevel, message.Retain, message.ResponseTopic,
            message.CorrelationData is { Length: > 0 } correlation ? correlation : null);

    /// <summary>Publishes status offline (shutdown), disconnects, stops, and closes the queue after the writes already handed over.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_pump is not null)
        {
            await _pump.ConfigureAwait(false);
        }

        if (Volatile.Read(ref _client) is { } client)
        {
            if (client.IsConnected)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
                try
                {
                    await StatusAsync(client, DeviceState.Offline, OfflineReason.Shutdown, timeout.Token).ConfigureAwait(false);
                    await client.DisconnectAsync(new MqttClientDisconnectOptions(), timeout.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (MqttFailure.Classify(ex) != MqttFailureKind.None || ex is IOException)
                {
                    UplinkLog.ShutdownIncomplete(_logger, _deviceId, ex);
                }
            }

            client.Dispose();
        }

        _writes.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        _queue.Dispose();
        _stop.Dispose();
        _signal.Dispose();
    }

    private Task StatusAsync(IMqttClient client, DeviceState state, OfflineReason? reason, CancellationToken cancellationToken)
    {
        var status = new StatusMessage { Seq = _seq.Next(), Epoch = _seq.Epoch, Ts = _time.GetUtcNow(), State = state, Reason = reason, Agent = _agent };
        return PublishAsync(client, Message(From(TopicKind.Status), WireCodec.Encode(status), MqttQualityOfServiceLevel.AtLeastOnce, retain: true), cancellationToken);
    }

    /// <summary>Publishes and waits for the PUBACK; a refusal (reason code 0x80 or above) is a transport fault for the caller's retry loop.</summary>
    private static async Task<MqttClientPublishResult> PublishAsync(IMqttClient client, MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        using var timeout = Patience(cancellationToken);
        var result = await client.PublishAsync(message, timeout.Token).ConfigureAwait(false);
        if ((int)result.ReasonCode >= 0x80)
        {
            throw new IOException($"the broker refused a publish to {message.Topic}: {result.ReasonCode} {result.ReasonString}");
        }

        return result;
    }

    private async Task PublishQuietlyAsync(IMqttClient client, MqttApplicationMessage message)
    {
        try
        {
            using var timeout = Patience(_stop.Token);
            await client.PublishAsync(message, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            UplinkLog.DeliveryFailed(_logger, _deviceId, ex);
        }
    }

    private static MqttApplicationMessage Message(string topic, ReadOnlyMemory<byte> payload, MqttQualityOfServiceLevel qos, bool retain = false) => new()
    {
        Topic = topic,
        Payload = new ReadOnlySequence<byte>(payload),
        QualityOfServiceLevel = qos,
        Retain = retain,
    };

    private static CancellationTokenSource Patience(CancellationToken cancellationToken)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AckPatience);
        return timeout;
    }
}
