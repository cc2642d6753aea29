using Fleet.Device.Uplink.Queue;
using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Shared.Protocol;
using Microsoft.Extensions.Logging;
using Fleet.Shared.Diagnostics;

namespace Fleet.Device.Uplink;

/// <summary>
/// The device's MQTT side (docs/PROTOCOL.md): status online + Last Will offline, the retained report, telemetry at
/// QoS 0, and events at QoS 1 through the on-disk queue so they survive broker outages and agent restarts.
/// </summary>
/// <remarks>
/// Events are written to the queue first and acknowledged there only after the broker's PUBACK, so a crash or an
/// outage delivers them late (possibly twice; the gateway deduplicates by event id), never not at all — unless the
/// bounded queue is full, when the oldest are dropped and counted. Telemetry while offline is dropped (it is a
/// sample, not a record). Every send takes the next <see cref="SequenceSource"/> value.
/// </remarks>
internal sealed class DeviceUplink : IAsyncDisposable
{
    private const uint SessionExpirySeconds = 86_400;
    private readonly string _deviceId;
    private readonly MqttClient _client;
    private readonly DiskEventQueue _queue;
    private readonly SequenceSource _seq;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _agent;
    private ReportMessage? _report;
    private bool _reportSent = true;
    private bool _announce;
    private Task? _pump;

    public DeviceUplink(string deviceId, MqttClientOptions options, DiskEventQueue queue, SequenceSource seq, TimeProvider time, ILogger logger, string agent)
    {
        ArgumentNullException.ThrowIfNull(options);
        _deviceId = deviceId;
        _queue = queue;
        _seq = seq;
        _time = time;
        _logger = logger;
        _agent = agent;
        _client = new MqttClient(
            options with
            {
                ClientId = deviceId,
                CleanStart = false,
                SessionExpiryInterval = SessionExpirySeconds,
                AutoReconnect = true,
                Will = new MqttApplicationMessage(Topics.FromDevice(deviceId, TopicKind.Status), WireCodec.Encode(StatusMessage.LastWill))
                {
                    QualityOfService = MqttQualityOfService.AtLeastOnce,
                    Retain = true,
                },
            },
            logger,
            time);
        _client.Connected += (_, _) =>
        {
            _announce = true;
            _reportSent = false;
            _signal.Release();
        };
        _client.MessageReceived = (message, _) => Received?.Invoke(ToInbound(message)) ?? ValueTask.CompletedTask;
    }

    /// <summary>Messages on <c>fleet/v1/d/{id}/#</c> (desired state, commands).</summary>
    public Func<InboundMessage, ValueTask>? Received { get; set; }

    public bool IsConnected => _client.IsConnected;

    public long Epoch => _seq.Epoch;

    /// <summary>Events waiting in the on-disk queue.</summary>
    public int Pending => _queue.Count;

    /// <summary>Events dropped because the queue was full.</summary>
    public long Dropped => _queue.DroppedCount;

    /// <summary>Starts connecting (retrying in the background until the broker answers) and the delivery loop.</summary>
    public void Start()
    {
        _pump = Task.Run(() => PumpAsync(_stop.Token));
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
        if (!_client.IsConnected)
        {
            return;
        }

        var message = telemetry with { Seq = _seq.Next(), Epoch = _seq.Epoch, Ts = _time.GetUtcNow() };
        _ = PublishQuietlyAsync(new MqttApplicationMessage(Topics.FromDevice(_deviceId, TopicKind.Telemetry), WireCodec.Encode(message)));
    }

    /// <summary>Stamps the event with the next seq and queues it on disk for QoS 1 delivery.</summary>
    public async ValueTask EnqueueAsync(DeviceEvent deviceEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceEvent);
        var stamped = deviceEvent with { Seq = _seq.Next(), Epoch = _seq.Epoch, Ts = deviceEvent.Ts ?? _time.GetUtcNow() };
        await _queue.EnqueueAsync(WireCodec.Encode<DeviceEvent>(stamped), cancellationToken).ConfigureAwait(false);
        _signal.Release();
    }

    /// <summary>Answers a command on its MQTT 5 response topic with its correlation data (or on <c>cmd-result</c>).</summary>
    public async ValueTask RespondAsync(InboundMessage request, CommandRequest command, bool ok, System.Text.Json.JsonElement? result, string? error)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(command);
        var answer = new CommandResult { Seq = _seq.Next(), Epoch = _seq.Epoch, Id = command.Id, Ok = ok, Result = result, Error = error };
        var payload = WireCodec.Encode(answer);
        var message = request.ResponseTopic is { } responseTopic
            ? new MqttApplicationMessage(responseTopic, payload) { CorrelationData = request.CorrelationData, QualityOfService = (MqttQualityOfService)request.QualityOfService }
            : new MqttApplicationMessage(command.ResponseTopic ?? Topics.FromDevice(_deviceId, TopicKind.CommandResult), payload) { QualityOfService = MqttQualityOfService.AtLeastOnce };
        await PublishQuietlyAsync(message).ConfigureAwait(false);
    }

    /// <summary>What the agent keeps of a delivered MQTT message.</summary>
    internal static InboundMessage ToInbound(MqttApplicationMessage message) =>
        new(message.Topic, message.Payload, (int)message.QualityOfService, message.Retain, message.ResponseTopic, message.CorrelationData);

    /// <summary>Publishes status offline (shutdown), disconnects and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
            try
            {
                await Status(DeviceState.Offline, OfflineReason.Shutdown, timeout.Token).ConfigureAwait(false);
                await _client.DisconnectAsync(cancellationToken: timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or MqttClientNotConnectedException or IOException or TimeoutException)
            {
                UplinkLog.ShutdownIncomplete(_logger, _deviceId, ex);
            }
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_pump is not null)
        {
            await _pump.ConfigureAwait(false);
        }

        await _client.DisposeAsync().ConfigureAwait(false);
        _queue.Dispose();
        _stop.Dispose();
        _signal.Dispose();
    }

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!_client.IsConnected)
                {
                    var result = await _client.ConnectAsync(cancellationToken).ConfigureAwait(false);
                    if (!result.IsSuccess)
                    {
                        UplinkLog.Refused(_logger, _deviceId, result.ResultCode.ToString());
                    }
                }

                if (_client.IsConnected)
                {
                    delay = TimeSpan.FromMilliseconds(200);
                    await DeliverAsync(cancellationToken).ConfigureAwait(false);
                }

                await _signal.WaitAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (!ex.IsFatal())
            {
                UplinkLog.DeliveryFailed(_logger, _deviceId, ex);
                try
                {
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    private async Task DeliverAsync(CancellationToken cancellationToken)
    {
        if (_announce)
        {
            _announce = false;
            await _client.SubscribeAsync(Topics.DeviceSubscription(_deviceId), MqttQualityOfService.AtLeastOnce, cancellationToken).ConfigureAwait(false);
            await Status(DeviceState.Online, null, cancellationToken).ConfigureAwait(false);
        }

        if (!_reportSent && Volatile.Read(ref _report) is { } report)
        {
            _reportSent = true;
            var stamped = report with { Seq = _seq.Next(), Epoch = _seq.Epoch, Ts = _time.GetUtcNow(), Agent = _agent };
            await PublishAsync(new MqttApplicationMessage(Topics.FromDevice(_deviceId, TopicKind.Report), WireCodec.Encode(stamped))
            {
                QualityOfService = MqttQualityOfService.AtLeastOnce,
                Retain = true,
            }, cancellationToken).ConfigureAwait(false);
        }

        while (_client.IsConnected)
        {
            var batch = _queue.PeekBatch(32);
            if (batch.Count == 0)
            {
                return;
            }

            foreach (var queued in batch)
            {
                await PublishAsync(new MqttApplicationMessage(Topics.FromDevice(_deviceId, TopicKind.Events), queued.Payload)
                {
                    QualityOfService = MqttQualityOfService.AtLeastOnce,
                }, cancellationToken).ConfigureAwait(false);
                _queue.Acknowledge(queued.Sequence);
            }
        }
    }

    private async Task Status(DeviceState state, OfflineReason? reason, CancellationToken cancellationToken)
    {
        var status = new StatusMessage { Seq = _seq.Next(), Epoch = _seq.Epoch, Ts = _time.GetUtcNow(), State = state, Reason = reason, Agent = _agent };
        await PublishAsync(new MqttApplicationMessage(Topics.FromDevice(_deviceId, TopicKind.Status), WireCodec.Encode(status))
        {
            QualityOfService = MqttQualityOfService.AtLeastOnce,
            Retain = true,
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        var result = await _client.PublishAsync(message, timeout.Token).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            throw new IOException($"the broker refused a publish to {message.Topic}: {result.ReasonCode} {result.ReasonString}");
        }
    }

    private async Task PublishQuietlyAsync(MqttApplicationMessage message)
    {
        try
        {
            await _client.PublishAsync(message, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            UplinkLog.DeliveryFailed(_logger, _deviceId, ex);
        }
    }
}
