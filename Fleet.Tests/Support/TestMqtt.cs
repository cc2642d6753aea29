using System.Text;
using Fleet.Shared.Messaging;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Tests.Infrastructure;

/// <summary>One-line MQTTnet connections and publications for tests that act as a device by hand.</summary>
internal static class TestMqtt
{
    /// <summary>Connects once; returns the connected client, or null with the refusal's result code or the transport failure.</summary>
    public static async Task<(IMqttClient? Client, MqttClientConnectResultCode? Refused, MqttFailureKind Failure)> TryConnectAsync(MqttConnectionSettings settings)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            var result = await client.ConnectAsync(MqttClientOptionsFactory.Create(settings with { Timeout = TimeSpan.FromSeconds(10) }));
            if (result.ResultCode == MqttClientConnectResultCode.Success)
            {
                return (client, null, MqttFailureKind.None);
            }

            client.Dispose();
            return (null, result.ResultCode, MqttFailureKind.None);
        }
        catch (Exception ex) when (MqttFailure.Classify(ex) != MqttFailureKind.None)
        {
            client.Dispose();
            return (null, null, MqttFailure.Classify(ex));
        }
    }

    /// <summary>Connects or fails the test.</summary>
    public static async Task<IMqttClient> ConnectAsync(MqttConnectionSettings settings)
    {
        var (client, refused, failure) = await TryConnectAsync(settings);
        Assert.True(client is not null, $"connect refused: {refused?.ToString() ?? failure.ToString()}");
        return client!;
    }

    /// <summary>Publishes a JSON payload; returns the PUBACK (reason code 0x80 or above: refused).</summary>
    public static Task<MqttClientPublishResult> PublishAsync(IMqttClient client, string topic, string json, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce, bool retain = false) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(json)).WithQualityOfServiceLevel(qos).WithRetainFlag(retain).Build());

    public static bool IsRefused(this MqttClientPublishResult result) => (int)result.ReasonCode >= 0x80;
}
