using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Packets;
using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Twins;

/// <summary>
/// The gateway's one outbound MQTT session: desired state (retained, QoS 1) and commands (QoS 1). It
/// subscribes to nothing; answers to commands come back through ingress (<c>…/cmd-result</c>).
/// </summary>
internal sealed class DevicePublisher(MqttClient client, int shardCount) : IAsyncDisposable
{
    public int ShardCount => shardCount;

    public async Task PublishDesiredAsync(string deviceId, byte[] payload, CancellationToken cancellationToken)
    {
        var result = await client.PublishAsync(
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
        var responseTopic = Topics.FromDevice(deviceId, TopicKind.CommandResult, shardCount);
        var payload = WireCodec.Encode(request with { ResponseTopic = responseTopic });
        var result = await client.PublishAsync(
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

    public ValueTask DisposeAsync() => client.DisposeAsync();
}
