using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Fleet.Shared.Messaging;

/// <summary>The encoded size of a PUBLISH, to check against the server's Maximum Packet Size before sending (MQTTnet does not).</summary>
public static class MqttPacketSize
{
    /// <summary>Bytes the PUBLISH carrying <paramref name="message"/> takes on the wire, fixed header included.</summary>
    public static long OfPublish(MqttApplicationMessage message, MqttProtocolVersion version)
    {
        ArgumentNullException.ThrowIfNull(message);
        long remaining = 2 + Encoding.UTF8.GetByteCount(message.Topic ?? "");
        if (message.QualityOfServiceLevel != MqttQualityOfServiceLevel.AtMostOnce)
        {
            remaining += 2;
        }

        if (version == MqttProtocolVersion.V500)
        {
            var properties = PropertiesLength(message);
            remaining += VariableByteIntegerLength(properties) + properties;
        }

        remaining += message.Payload.Length;
        return 1 + VariableByteIntegerLength(remaining) + remaining;
    }

    private static long PropertiesLength(MqttApplicationMessage message)
    {
        long length = 0;
        if (message.PayloadFormatIndicator != MqttPayloadFormatIndicator.Unspecified)
        {
            length += 2;
        }

        if (message.MessageExpiryInterval > 0)
        {
            length += 5;
        }

        if (message.TopicAlias > 0)
        {
            length += 3;
        }

        if (!string.IsNullOrEmpty(message.ResponseTopic))
        {
            length += 3 + Encoding.UTF8.GetByteCount(message.ResponseTopic);
        }

        if (message.CorrelationData is { } correlation)
        {
            length += 3 + correlation.Length;
        }

        if (!string.IsNullOrEmpty(message.ContentType))
        {
            length += 3 + Encoding.UTF8.GetByteCount(message.ContentType);
        }

        foreach (var property in message.UserProperties ?? [])
        {
            length += 5 + Encoding.UTF8.GetByteCount(property.Name) + property.ValueBuffer.Length;
        }

        return length;
    }

    private static int VariableByteIntegerLength(long value) => value switch
    {
        < 128 => 1,
        < 16_384 => 2,
        < 2_097_152 => 3,
        _ => 4,
    };
}
