using System.Security.Cryptography;
using Fleet.Gateway.Broker;
using Fleet.Shared.Diagnostics;
using Fleet.Shared.Messaging;
using Fleet.Shared.Protocol;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Gateway.Egress;

/// <summary>
/// The gateway's one outbound MQTT session: desired state (retained, QoS 1) and commands (QoS 1, MQTT 5
/// response topic and correlation data). It subscribes to nothing; answers come back through ingress
/// (<c>…/cmd-result</c>).
/// </summary>
/// <remarks>
/// <para>The client id is <c>fleet-gw-out-</c> and 12 random hex digits drawn at each start: unique per gateway
/// node and process lifetime without configuration, so two nodes (or a restarted node and its lingering old
/// connection) never take each other's session over. The session is clean: nothing is queued for it.</para>
/// <para>A lost connection is reopened on the next publication with a fresh client (MQTTnet refuses to reconnect
/// while a disconnect is pending, and a fresh client cannot confuse two connections' packet ids). A publication
/// that fails throws; the twin's write chain retries it with the durability backoff. Publications in flight are
/// bounded by the broker's Receive Maximum: MQTTnet does not enforce it, and a strict broker disconnects a
/// client that exceeds it.</para>
/// </remarks>
internal sealed class DevicePublisher : IAsyncDisposable
{
    private readonly MqttConnectionSettings _settings;
    private readonly int _shardCount;
    private readonly ILogger _logger;
    private readonly MqttClientFactory _factory = new();
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private IMqttClient? _client;
    private SemaphoreSlim _window = new(1, 1);
    private bool _disposed;

    private DevicePublisher(MqttConnectionSettings settings, int shardCount, ILogger logger)
    {
        _settings = settings;
        _shardCount = shardCount;
        _logger = logger;
    }

    public int ShardCount => _shardCount;

    /// <summary>The MQTT client id of this gateway's outbound session.</summary>
    public string ClientId => _settings.ClientId;

    /// <summary>Opens the outbound session to <paramref name="broker"/>.</summary>
    /// <exception cref="GatewayStartupException">The broker refused the session or could not be reached.</exception>
    public static Task<DevicePublisher> ConnectAsync(EmbeddedBroker broker, int shardCount, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(broker);
        return ConnectAsync(new MqttConnectionSettings { Host = broker.Host, Port = broker.Port, ClientId = "", UserName = broker.UserName, Password = broker.Password }, shardCount, logger, cancellationToken);
    }

    /// <summary>Opens the outbound session with <paramref name="broker"/>'s address and credentials (its client id is replaced).</summary>
    /// <exception cref="GatewayStartupException">The broker refused the session or could not be reached.</exception>
    public static async Task<DevicePublisher> ConnectAsync(MqttConnectionSettings broker, int shardCount, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(broker);
        var settings = broker with
        {
            ClientId = "fleet-gw-out-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)),
            CleanStart = true,
            SessionExpiryInterval = 0,
            KeepAlive = TimeSpan.FromSeconds(30),
        };
        var publisher = new DevicePublisher(settings, shardCount, logger);
        try
        {
            await publisher.ConnectedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !ex.IsFatal())
        {
            await publisher.DisposeAsync().ConfigureAwait(false);
            throw new GatewayStartupException($"the gateway's outbound session to {broker.Host}:{broker.Port} failed: {ex.Message}", ex);
        }

        return publisher;
    }

    public Task PublishDesiredAsync(string deviceId, byte[] payload, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Desired(deviceId))
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag()
            .Build();
        return PublishAsync(message, $"desired state for {deviceId}", cancellationToken);
    }

    /// <summary>Publishes a command whose answer is to come back on the device's <c>cmd-result</c> topic (MQTT 5 Response Topic and, for 3.1.1 devices, the payload).</summary>
    public Task PublishCommandAsync(string deviceId, CommandRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var responseTopic = Topics.FromDevice(deviceId, TopicKind.CommandResult, _shardCount);
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Command(deviceId))
            .WithPayload(WireCodec.Encode(request with { ResponseTopic = responseTopic }))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithResponseTopic(responseTopic)
            .WithCorrelationData(System.Text.Encoding.UTF8.GetBytes(request.Id))
            .Build();
        return PublishAsync(message, $"command {request.Name} for {deviceId}", cancellationToken);
    }

    private async Task PublishAsync(MqttApplicationMessage message, string what, CancellationToken cancellationToken)
    {
        var (client, window) = await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        await window.WaitAsync(cancellationToken).ConfigureAwait(false);
        MqttClientPublishResult result;
        try
        {
            result = await client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            window.Release();
        }

        // 0x10 "no matching subscribers" is a success: desired state is retained, and an offline device's
        // session is not a subscriber the broker counts until it reconnects.
        if ((int)result.ReasonCode >= 0x80)
        {
            throw new InvalidOperationException($"the broker refused {what}: {result.ReasonCode} {result.ReasonString}");
        }
    }

    private async Task<(IMqttClient Client, SemaphoreSlim Window)> ConnectedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _client) is { IsConnected: true } current)
        {
            return (current, Volatile.Read(ref _window));
        }

        await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_client is { IsConnected: true } connected)
            {
                return (connected, _window);
            }

            _client?.Dispose();
            _client = null;
            var client = _factory.CreateMqttClient();
            MqttClientConnectResult result;
            try
            {
                result = await client.ConnectAsync(MqttClientOptionsFactory.Create(_settings), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                client.Dispose();
                throw;
            }

            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                client.Dispose();
                throw new InvalidOperationException($"the broker refused the gateway's outbound session {_settings.ClientId}: {result.ResultCode}");
            }

            int window = result.ReceiveMaximum is > 0 and var maximum ? maximum : ushort.MaxValue;
            Volatile.Write(ref _window, new SemaphoreSlim(window, window));
            Volatile.Write(ref _client, client);
            GatewayLog.PublisherConnected(_logger, _settings.ClientId, _settings.Host, _settings.Port);
            return (client, _window);
        }
        finally
        {
            _connecting.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _connecting.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_client is { } client)
            {
                if (client.IsConnected)
                {
                    try
                    {
                        await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (!ex.IsFatal())
                    {
                        // Closing anyway; the session is clean, so the broker keeps nothing for it.
                    }
                }

                client.Dispose();
                _client = null;
            }
        }
        finally
        {
            _connecting.Release();
        }
    }
}
