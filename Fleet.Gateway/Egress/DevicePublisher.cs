using Fleet.Gateway.Broker;
using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Egress;

/// <summary>
/// The gateway's one outbound MQTT session: desired state (retained, QoS 1) and commands (QoS 1). It
/// subscribes to nothing; answers to commands come back through ingress (<c>…/cmd-result</c>).
/// </summary>
internal sealed class DevicePublisher : IAsyncDisposable
{
    private readonly MqttClient _client;
    private readonly int _shardCount;

    private DevicePublisher(MqttClient client, int shardCount)
    {
        _client = client;
        _shardCount = shardCount;
    }

    public int ShardCount => _shardCount;

    /// <summary>Opens the outbound session (<c>fleet-gw-out-{pid}</c>, auto-reconnect) to <paramref name="broker"/>.</summary>
    /// <exception cref="GatewayStartupException">The broker refused the session.</exception>
    public static async Task<DevicePublisher> ConnectAsync(EmbeddedBroker broker, int shardCount, TimeProvider timeProvider, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(broker);
        var client = new MqttClient(
            new MqttClientOptions
            {
                Host = broker.Host,
                Port = broker.Port,
                ClientId = "fleet-gw-out-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                UserName = broker.UserName,
                Password = broker.Password,
                AutoReconnect = true,
            },
            logger,
            timeProvider);
        var connected = await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        if (!connected.IsSuccess)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw new GatewayStartupException($"the broker at {broker.Host}:{broker.Port} refused the gateway's session: {connected.ResultCode}");
        }

        return new DevicePublisher(client, shardCount);
    }

    public async Task PublishDesiredAsync(string deviceId, byte[] payload, CancellationToken cancellationToken)
    {
        var result = await _client.PublishAsync(
            new MqttApplicationMessage(Topics.Desired(deviceId), payload) { QualityOfService = MqttQualityOfService.AtLeastOnce, Retain = true },
            cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"the broker refused desired state for {deviceId}: {result.ReasonCode}");
        }
    }

    /// <summary>Publishes a command whose answer is to come back on the device's <c>cmd-result</c> topic (MQTT 5 Response Topic and, for 3.1.1 devices, the payload).</summary>
    public async Task PublishCommandAsync(string deviceId, CommandRequest request, CancellationToken cancellationToken)
    {
        var responseTopic = Topics.FromDevice(deviceId, TopicKind.CommandResult, _shardCount);
        var payload = WireCodec.Encode(request with { ResponseTopic = responseTopic });
        var result = await _client.PublishAsync(
            new MqttApplicationMessage(Topics.Command(deviceId), payload)
            {
                QualityOfService = MqttQualityOfService.AtLeastOnce,
                ResponseTopic = responseTopic,
                CorrelationData = System.Text.Encoding.UTF8.GetBytes(request.Id),
            },
            cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"the broker refused command {request.Name} for {deviceId}: {result.ReasonCode}");
        }
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
