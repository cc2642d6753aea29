using System.Buffers;
using System.Threading.Channels;
using Fleet.Device.Uplink.Queue;
using Fleet.Shared.Diagnostics;
using Fleet.Shared.Messaging;
using Fleet.Shared.Protocol;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Device.Uplink;

/// <summary>
/// One device's MQTT session on MQTTnet (docs/PROTOCOL.md), whatever produces its payloads: a fresh client per
/// connection, a persistent session with the Last Will on the status topic, the retained report republished after
/// every connection, and QoS 1 events from an on-disk queue. <see cref="DeviceUplink"/> stamps the agent's own
/// messages; <see cref="McuUplink"/> forwards what an MCU stamped itself.
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
/// away arrive when it returns.</para>
/// <para>Events are written to disk by one writer in the order they were handed over, off the caller's thread;
/// when the bounded queue is full its oldest events are dropped and counted.</para>
/// </remarks>
internal abstract partial class QueuedUplink : IAsyncDisposable
{
    public const uint SessionExpirySeconds = 86_400;
    private static readonly TimeSpan AckPatience = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan NoSubscriberRetry = TimeSpan.FromSeconds(1);
    private readonly string _deviceId;
    private readonly int _shardCount;
    private readonly MqttConnectionSettings _settings;
    private readonly MqttClientFactory _factory = new();
    private readonly DiskEventQueue _queue;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private IMqttClient? _client;
    private volatile bool _reportSent = true;
    private long _published;
    private long _noSubscribers;
    private long _connections;
    private Task? _pump;

    /// <param name="deviceId">The device; also its MQTT client id.</param>
    /// <param name="settings">The broker connection (host, port, version, credentials, TLS); the uplink sets the client id, the persistent session and the will.</param>
    /// <param name="lastWill">The status payload the broker publishes (retained) when the connection is lost.</param>
    /// <param name="shardCount">The gateway's shard count: the shard in the topics the device publishes on depends on it.</param>
    protected QueuedUplink(string deviceId, MqttConnectionSettings settings, byte[] lastWill, DiskEventQueue queue, TimeProvider time, ILogger logger, int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shardCount);
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        ArgumentNullException.ThrowIfNull(settings);
        _deviceId = deviceId;
        _queue = queue;
        _time = time;
        _logger = logger;
        _shardCount = shardCount;
        _settings = settings with
        {
            ClientId = deviceId,
            CleanStart = false,
            SessionExpiryInterval = SessionExpirySeconds,
            Will = new MqttWillSettings(Topics.FromDevice(deviceId, TopicKind.Status, shardCount), lastWill, MqttQualityOfServiceLevel.AtLeastOnce, Retain: true),
        };
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>Where acknowledged events and reports are recorded (<c>--ack-journal</c>); null records nothing.</summary>
    public AckJournal? Journal { get; init; }

    /// <summary>Messages on <c>fleet/v1/d/{id}/#</c> (desired state, commands).</summary>
    public Func<InboundMessage, ValueTask>? Received { get; set; }

    public bool IsConnected => Volatile.Read(ref _client)?.IsConnected == true;

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

    /// <summary>The device; also its MQTT client id.</summary>
    protected string DeviceId => _deviceId;

    /// <summary>The device's topic of <paramref name="kind"/> (<c>fleet/v1/s/{shard}/{id}/…</c>).</summary>
    protected string From(TopicKind kind) => Topics.FromDevice(_deviceId, kind, _shardCount);

    /// <summary>The connection settings in force (client id, session and will included).</summary>
    protected MqttConnectionSettings Settings => _settings;

    protected TimeProvider Time => _time;

    /// <summary>The current client when it is connected, else null.</summary>
    protected IMqttClient? ConnectedClient => Volatile.Read(ref _client) is { IsConnected: true } client ? client : null;

    /// <summary>The payloads of up to <paramref name="maxCount"/> of the oldest queued events, without removing them.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> PeekPending(int maxCount) => [.. _queue.PeekBatch(maxCount).Select(q => q.Payload)];

    /// <summary>Starts connecting (retrying in the background until the broker answers) and the delivery loop.</summary>
    public void Start()
    {
        _pump ??= Task.Run(() => PumpAsync(_stop.Token));
    }

    /// <summary>What goes in the retained report now (null: nothing yet); asked after <see cref="ReportChanged"/> and after every connection.</summary>
    protected abstract ReadOnlyMemory<byte>? NextReport();

    /// <summary>Runs once a connection is up and subscribed (the device says it is online).</summary>
    protected abstract Task OnConnectedAsync(IMqttClient client, CancellationToken cancellationToken);

    /// <summary>Runs before a clean disconnect (the device says it is going offline).</summary>
    protected abstract Task OnShutdownAsync(IMqttClient client, CancellationToken cancellationToken);

    /// <summary>The report changed: it is published (retained) as soon as connected.</summary>
    protected void ReportChanged()
    {
        _reportSent = false;
        _signal.Release();
    }

    /// <summary>
    /// Hands an event payload to the disk writer; completes once it is on disk. Payloads reach the disk in the order
    /// of these calls, and the caller's thread never waits for the disk.
    /// </summary>
    protected ValueTask EnqueuePayloadAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_writes.Writer.TryWrite(new PendingWrite(payload, done, cancellationToken)))
        {
            throw new ObjectDisposedException(GetType().Name);
        }

        return new ValueTask(done.Task);
    }

    /// <summary>What the agent keeps of a delivered MQTT message (the payload is copied: MQTTnet reuses its buffer).</summary>
    internal static InboundMessage ToInbound(MqttApplicationMessage message) =>
        new(message.Topic, message.Payload.ToArray(), (int)message.QualityOfServiceLevel, message.Retain, message.ResponseTopic,
            message.CorrelationData is { Length: > 0 } correlation ? correlation : null);

    /// <summary>Says goodbye (<see cref="OnShutdownAsync"/>), disconnects, stops, and closes the queue after the writes already handed over.</summary>
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
                    await OnShutdownAsync(client, timeout.Token).ConfigureAwait(false);
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
        GC.SuppressFinalize(this);
    }

    /// <summary>Publishes and waits for the PUBACK; a refusal (reason code 0x80 or above) is a transport fault for the caller's retry loop.</summary>
    protected static async Task<MqttClientPublishResult> PublishAsync(IMqttClient client, MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(message);
        using var timeout = Patience(cancellationToken);
        var result = await client.PublishAsync(message, timeout.Token).ConfigureAwait(false);
        if ((int)result.ReasonCode >= 0x80)
        {
            throw new IOException($"the broker refused a publish to {message.Topic}: {result.ReasonCode} {result.ReasonString}");
        }

        return result;
    }

    /// <summary>Publishes without letting a transport fault escape (logged): telemetry, answers, status.</summary>
    protected async Task PublishQuietlyAsync(IMqttClient client, MqttApplicationMessage message)
    {
        ArgumentNullException.ThrowIfNull(client);
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

    protected static MqttApplicationMessage Message(string topic, ReadOnlyMemory<byte> payload, MqttQualityOfServiceLevel qos, bool retain = false) => new()
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
