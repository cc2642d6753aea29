using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Shared.Protocol;

namespace Fleet.Device.Mcu;

/// <summary>
/// Bridges one MCU on its serial link (docs/MCU-LINK.md) to MQTT as its own device: the id from its hello frame,
/// its own session (clean start off, one-day expiry, auto-reconnect) and Last Will; its payloads published unchanged
/// on its topics with PROTOCOL.md's QoS and retain; desired state and commands sent down as frames; command answers
/// routed to the request's response topic with its correlation data.
/// </summary>
/// <remarks>Publications wait in the MQTT session while the broker is away; there is no on-disk queue yet, so a
/// hub restart loses what was not yet acknowledged (the MCU's next report and telemetry carry its state again).</remarks>
internal sealed class McuBridge(McuBridgeOptions options, TextWriter log, TimeProvider time)
{
    private static readonly byte[] OfflineLost = """{"v":1,"state":"offline","reason":"lost"}"""u8.ToArray();
    private static readonly byte[] OfflineShutdown = """{"v":1,"state":"offline","reason":"shutdown"}"""u8.ToArray();
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ConcurrentDictionary<string, (string? Topic, ReadOnlyMemory<byte>? Correlation)> _pendingCommands = new();
    private Stream? _link;
    private byte _sequence;

    /// <summary>Frames dropped by the link decoder (bytes skipped while resynchronising).</summary>
    public long DroppedBytes { get; private set; }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var tcp = McuBridgeOptions.TryTcp(options.Link, out var host, out var port) ? new TcpClient() : null;
        try
        {
            if (tcp is not null)
            {
                // The MCU side may not be listening yet (a board powering up, QEMU starting): keep trying.
                for (var attempt = 0; ; attempt++)
                {
                    try
                    {
                        await tcp.ConnectAsync(host, port, cancellationToken);
                        break;
                    }
                    catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.TimedOut)
                    {
                        if (attempt == 0)
                        {
                            await log.WriteLineAsync($"fleet-device: MCU link {options.Link} not reachable yet ({ex.SocketErrorCode}); retrying");
                        }

                        await Task.Delay(TimeSpan.FromMilliseconds(500), TimeProvider.System, cancellationToken);
                    }
                }

                _link = tcp.GetStream();
            }
            else
            {
                _link = new FileStream(options.Link, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1, useAsync: false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception ex) when (ex is SocketException or IOException or UnauthorizedAccessException)
        {
            await log.WriteLineAsync($"fleet-device: cannot open the MCU link {options.Link}: {ex.Message}");
            return 2;
        }

        await log.WriteLineAsync($"fleet-device: MCU link {options.Link} open; waiting for the MCU's hello");
        MqttClient? mqtt = null;
        string? deviceId = null;
        var codec = new McuLinkCodec();
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var read = await _link.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    await log.WriteLineAsync($"fleet-device: the MCU link {options.Link} closed");
                    if (mqtt is not null)
                    {
                        await PublishStatusAsync(mqtt, deviceId!, OfflineLost, CancellationToken.None);
                    }

                    return 1;
                }

                foreach (var frame in codec.Feed(buffer.AsSpan(0, read)))
                {
                    switch (frame.Type)
                    {
                        case McuFrameType.Hello:
                            var id = Encoding.ASCII.GetString(frame.Payload);
                            if (DeviceId.Problem(id) is { } problem)
                            {
                                await log.WriteLineAsync($"fleet-device: MCU hello with an invalid device id ignored: {problem}");
                                break;
                            }

                            await SendTimeAsync(cancellationToken);
                            if (id != deviceId)
                            {
                                if (mqtt is not null)
                                {
                                    await mqtt.DisposeAsync();
                                }

                                deviceId = id;
                                mqtt = await ConnectAsync(id, cancellationToken);
                            }

                            break;
                        case McuFrameType.Message when mqtt is not null && frame.Payload.Length > 1:
                            await PublishAsync(mqtt, deviceId!, (McuTopic)frame.Payload[0], frame.Payload.AsMemory(1), cancellationToken);
                            break;
                        case McuFrameType.Message:
                            await log.WriteLineAsync("fleet-device: MCU message before its hello dropped");
                            break;
                    }
                }

                DroppedBytes = codec.Dropped;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (mqtt is not null)
            {
                await PublishStatusAsync(mqtt, deviceId!, OfflineShutdown, CancellationToken.None);
            }

            return 0;
        }
        finally
        {
            if (mqtt is not null)
            {
                await mqtt.DisposeAsync();
            }

            await _link.DisposeAsync();
        }
    }

    /// <summary>The hub's clock for the MCU: the epoch it takes when its persisted counter is lost must be newer than any before.</summary>
    private async Task SendTimeAsync(CancellationToken cancellationToken)
    {
        var payload = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(payload, time.GetUtcNow().ToUnixTimeMilliseconds());
        await WriteFrameAsync(McuFrameType.Time, payload, cancellationToken);
    }

    private async Task WriteFrameAsync(McuFrameType type, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await _link!.WriteAsync(McuLinkCodec.Encode(type, _sequence++, payload.Span), cancellationToken);
            await _link.FlushAsync(cancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task<MqttClient> ConnectAsync(string deviceId, CancellationToken cancellationToken)
    {
        var status = Topics.FromDevice(deviceId, TopicKind.Status);
        var client = new MqttClient(new MqttClientOptions
        {
            Host = options.BrokerHost,
            Port = options.BrokerPort,
            ClientId = deviceId,
            CleanStart = false,
            SessionExpiryInterval = 86_400,
            UserName = options.Username,
            Password = options.Password,
            AutoReconnect = true,
            Will = new MqttApplicationMessage(status, OfflineLost) { QualityOfService = MqttQualityOfService.AtLeastOnce, Retain = true },
        });
        client.MessageReceived = (message, ct) => DownAsync(deviceId, message, ct);
        var result = await client.ConnectAsync(cancellationToken);
        await client.SubscribeAsync(Topics.DeviceSubscription(deviceId), MqttQualityOfService.AtLeastOnce, cancellationToken);
        await log.WriteLineAsync($"fleet-device: MCU {deviceId} connected to {options.BrokerHost}:{options.BrokerPort} ({result.ResultCode})");
        return client;
    }

    private async ValueTask DownAsync(string deviceId, MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        var type = message.Topic == Topics.Desired(deviceId) ? McuFrameType.Desired
            : message.Topic == Topics.Command(deviceId) ? McuFrameType.Command : (McuFrameType?)null;
        if (type is null)
        {
            return;
        }

        if (message.Payload.Length > McuLinkCodec.MaxPayload)
        {
            await log.WriteLineAsync($"fleet-device: {message.Topic} payload of {message.Payload.Length} bytes exceeds the link's {McuLinkCodec.MaxPayload}; not sent to the MCU");
            return;
        }

        if (type == McuFrameType.Command && CommandId(message.Payload) is { } id)
        {
            _pendingCommands[id] = (message.ResponseTopic, message.CorrelationData);
        }

        await WriteFrameAsync(type.Value, message.Payload, cancellationToken);
    }

    private async Task PublishAsync(MqttClient mqtt, string deviceId, McuTopic topic, ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        var (kind, qos, retain) = topic switch
        {
            McuTopic.Status => (TopicKind.Status, MqttQualityOfService.AtLeastOnce, true),
            McuTopic.Report => (TopicKind.Report, MqttQualityOfService.AtLeastOnce, true),
            McuTopic.Telemetry => (TopicKind.Telemetry, MqttQualityOfService.AtMostOnce, false),
            McuTopic.Events => (TopicKind.Events, MqttQualityOfService.AtLeastOnce, false),
            McuTopic.CommandResult => (TopicKind.CommandResult, MqttQualityOfService.AtLeastOnce, false),
            _ => ((TopicKind?)null, MqttQualityOfService.AtMostOnce, false),
        };
        if (kind is null)
        {
            await log.WriteLineAsync($"fleet-device: MCU {deviceId} sent an unknown topic {(byte)topic}; dropped");
            return;
        }

        var target = Topics.FromDevice(deviceId, kind.Value);
        ReadOnlyMemory<byte>? correlation = null;
        if (kind == TopicKind.CommandResult && CommandId(json) is { } id && _pendingCommands.TryRemove(id, out var pending))
        {
            target = pending.Topic ?? target;
            correlation = pending.Correlation;
        }

        // Publications are queued in the client's session; awaiting the broker's ack here would stall the link.
        var publication = mqtt.PublishAsync(new MqttApplicationMessage(target, json.ToArray()) { QualityOfService = qos, Retain = retain, CorrelationData = correlation }, cancellationToken).AsTask();
        _ = publication.ContinueWith(
            t => log.WriteLine($"fleet-device: MCU {deviceId}: publication on {target} failed: {t.Exception!.GetBaseException().Message}"),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    private static async Task PublishStatusAsync(MqttClient mqtt, string deviceId, byte[] payload, CancellationToken cancellationToken)
    {
        if (!mqtt.IsConnected)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await mqtt.PublishAsync(new MqttApplicationMessage(Topics.FromDevice(deviceId, TopicKind.Status), payload)
            { QualityOfService = MqttQualityOfService.AtLeastOnce, Retain = true }, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // The Last Will still tells the gateway.
        }
    }

    private static string? CommandId(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                ? id.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
