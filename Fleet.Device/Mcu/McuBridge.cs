using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Fleet.Device.Uplink;
using Fleet.Device.Uplink.Queue;
using Fleet.Shared.Messaging;
using Fleet.Shared.Protocol;
using Microsoft.Extensions.Logging;

namespace Fleet.Device.Mcu;

/// <summary>
/// Bridges one MCU on its serial link (docs/MCU-LINK.md) to MQTT as its own device: the id from its hello frame, its
/// own <see cref="McuUplink"/> (session, Last Will, on-disk event queue); its payloads published unchanged on its
/// topics with PROTOCOL.md's QoS and retain; commands sent down as frames and their answers routed to the request's
/// response topic with its correlation data; desired state translated into the link's desired frame, with a model
/// update fetched, verified with the fleet signature and quantised here, then sent down as an image the MCU checks
/// again (SHA-256) before it installs it (McuBridge.Updates.cs).
/// </summary>
internal sealed partial class McuBridge(McuBridgeOptions options, TextWriter log, ILoggerFactory loggers, TimeProvider time, HttpClient http, ECDsa? fleetKey)
{
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ConcurrentDictionary<string, (string? Topic, ReadOnlyMemory<byte>? Correlation)> _pendingCommands = new();
    private readonly Channel<DesiredState> _desired = Channel.CreateUnbounded<DesiredState>(new UnboundedChannelOptions { SingleReader = true });
    private Stream? _link;
    private TcpClient? _tcp;
    private byte _sequence;
    private McuUplink? _uplink;
    private string? _deviceId;
    private ReportMessage? _reported;
    private TaskCompletionSource _reportSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private AckWaiter? _ack;

    /// <summary>Bytes skipped by the link decoder while resynchronising.</summary>
    public long DroppedBytes { get; private set; }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        if (await OpenLinkAsync(cancellationToken) is { } failed)
        {
            return failed;
        }

        await log.WriteLineAsync($"fleet-device: MCU link {options.Link} open; asking the MCU who it is");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var updates = Task.Run(() => UpdateLoopAsync(stop.Token), CancellationToken.None);
        var codec = new McuLinkCodec();
        var buffer = new byte[4096];
        var exitCode = 0;
        try
        {
            // An MCU that booted before the hub attached said hello into the void: ask again.
            await WriteFrameAsync(McuFrameType.Sync, ReadOnlyMemory<byte>.Empty, cancellationToken);
            while (true)
            {
                var read = await _link!.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    await log.WriteLineAsync($"fleet-device: the MCU link {options.Link} closed");
                    if (_uplink is not null)
                    {
                        _uplink.LinkLost = true;
                    }

                    exitCode = 1;
                    break;
                }

                foreach (var frame in codec.Feed(buffer.AsSpan(0, read)))
                {
                    await OnFrameAsync(frame, cancellationToken);
                }

                DroppedBytes = codec.Dropped;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (IOException ex)
        {
            await log.WriteLineAsync($"fleet-device: the MCU link {options.Link} failed: {ex.Message}");
            if (_uplink is not null)
            {
                _uplink.LinkLost = true;
            }

            exitCode = 1;
        }
        finally
        {
            await stop.CancelAsync();
            await updates;
            if (_uplink is not null)
            {
                await _uplink.DisposeAsync();
            }

            await _link!.DisposeAsync();
            _tcp?.Dispose();
        }

        return exitCode;
    }

    private async Task<int?> OpenLinkAsync(CancellationToken cancellationToken)
    {
        var tcp = _tcp = McuBridgeOptions.TryTcp(options.Link, out var host, out var port) ? new TcpClient() : null;
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

                        await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken);
                    }
                }

                _link = tcp.GetStream();
            }
            else
            {
                _link = new FileStream(options.Link, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1, useAsync: false);
            }

            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _tcp?.Dispose();
            return 0;
        }
        catch (Exception ex) when (ex is SocketException or IOException or UnauthorizedAccessException)
        {
            _tcp?.Dispose();
            await log.WriteLineAsync($"fleet-device: cannot open the MCU link {options.Link}: {ex.Message}");
            return 2;
        }
    }

    private async Task OnFrameAsync(McuFrame frame, CancellationToken cancellationToken)
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
                if (id != _deviceId)
                {
                    await AttachAsync(id);
                }

                break;
            case McuFrameType.Message when _uplink is not null && frame.Payload.Length > 1:
                await ForwardAsync(_uplink, (McuTopic)frame.Payload[0], frame.Payload[1..], cancellationToken);
                break;
            case McuFrameType.Message:
                await log.WriteLineAsync("fleet-device: MCU message before its hello dropped");
                break;
            case McuFrameType.Ack when frame.Payload.Length == 3:
                Volatile.Read(ref _ack)?.Offer(frame.Payload);
                break;
        }
    }

    /// <summary>A new MCU on the link: its own session and on-disk queue.</summary>
    private async Task AttachAsync(string id)
    {
        if (_uplink is not null)
        {
            await _uplink.DisposeAsync();
        }

        _deviceId = id;
        Volatile.Write(ref _reported, null);
        Volatile.Write(ref _reportSeen, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        var queue = DiskEventQueue.Open(Path.Combine(options.DataDirectory, id, "queue"));
        var settings = new MqttConnectionSettings
        {
            Host = options.BrokerHost,
            Port = options.BrokerPort,
            ClientId = id,
            UserName = options.Username,
            Password = options.Password,
            KeepAlive = TimeSpan.FromSeconds(30),
            Timeout = TimeSpan.FromSeconds(10),
        };
        _uplink = new McuUplink(id, settings, queue, time, loggers.CreateLogger("Fleet.Device.Mcu." + id),
            ct => WriteFrameAsync(McuFrameType.Sync, ReadOnlyMemory<byte>.Empty, ct), options.ShardCount)
        {
            Received = DownAsync,
        };
        _uplink.Start();
        await log.WriteLineAsync($"fleet-device: MCU {id} attached; its session goes to {options.BrokerHost}:{options.BrokerPort}, its events queue in {Path.Combine(options.DataDirectory, id, "queue")}");
    }

    /// <summary>The hub's clock for the MCU: the epoch it takes when its persisted counter is lost must be newer than any before.</summary>
    private async Task SendTimeAsync(CancellationToken cancellationToken)
    {
        var payload = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(payload, time.GetUtcNow().ToUnixTimeMilliseconds());
        await WriteFrameAsync(McuFrameType.Time, payload, cancellationToken);
    }

    /// <summary>Writes one frame (telling <paramref name="waiter"/> its sequence number first).</summary>
    private async Task WriteFrameAsync(McuFrameType type, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken, AckWaiter? waiter = null)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var sequence = _sequence++;
            if (waiter is not null)
            {
                waiter.Sequence = sequence;
            }

            await _link!.WriteAsync(McuLinkCodec.Encode(type, sequence, payload.Span), cancellationToken);
            await _link.FlushAsync(cancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async ValueTask DownAsync(InboundMessage message)
    {
        var deviceId = _deviceId!;
        if (message.Topic == Topics.Desired(deviceId))
        {
            var desired = WireCodec.DecodeDesired(message.Payload.Span);
            if (desired.IsSuccess)
            {
                _desired.Writer.TryWrite(desired.Value!);
            }
            else
            {
                await log.WriteLineAsync($"fleet-device: MCU {deviceId}: desired state ignored: {desired.Error}");
            }

            return;
        }

        if (message.Topic != Topics.Command(deviceId))
        {
            return;
        }

        if (message.Payload.Length > McuLinkCodec.MaxPayload)
        {
            await log.WriteLineAsync($"fleet-device: {message.Topic} payload of {message.Payload.Length} bytes exceeds the link's {McuLinkCodec.MaxPayload}; not sent to the MCU");
            return;
        }

        if (CommandId(message.Payload) is { } id)
        {
            _pendingCommands[id] = (message.ResponseTopic, message.CorrelationData);
        }

        try
        {
            await WriteFrameAsync(McuFrameType.Command, message.Payload, CancellationToken.None);
        }
        catch (IOException ex)
        {
            await log.WriteLineAsync($"fleet-device: MCU {deviceId}: command not sent down the link: {ex.Message}");
        }
    }

    private async Task ForwardAsync(McuUplink uplink, McuTopic topic, byte[] json, CancellationToken cancellationToken)
    {
        switch (topic)
        {
            case McuTopic.Status:
                uplink.Status(json);
                break;
            case McuTopic.Report:
                var report = WireCodec.DecodeReport(json);
                if (report.IsSuccess)
                {
                    Volatile.Write(ref _reported, report.Value);
                    Volatile.Read(ref _reportSeen).TrySetResult();
                }

                uplink.Report(json);
                break;
            case McuTopic.Telemetry:
                uplink.Telemetry(json);
                break;
            case McuTopic.Events:
                await uplink.EnqueueAsync(json, cancellationToken);
                break;
            case McuTopic.CommandResult:
                (string? Topic, ReadOnlyMemory<byte>? Correlation) pending = default;
                if (CommandId(json) is { } id)
                {
                    _pendingCommands.TryRemove(id, out pending);
                }

                uplink.Answer(pending.Topic, pending.Correlation, json);
                break;
            default:
                await log.WriteLineAsync($"fleet-device: MCU {_deviceId} sent an unknown topic {(byte)topic}; dropped");
                break;
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
