using System.Text;
using Fleet.Shared.Mqtt.Formatter;
using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Shared.Mqtt.Session;

/// <summary>The encoded size of a PUBLISH, computed without encoding it (checked against the server's Maximum Packet Size).</summary>
internal static class MqttPublishSize
{
    public static long Of(MqttApplicationMessage m, MqttProtocolVersion version)
    {
        long remaining = 2 + Encoding.UTF8.GetByteCount(m.Topic) + (m.QualityOfService > 0 ? 2 : 0) + m.Payload.Length;
        if (version == MqttProtocolVersion.V500)
        {
            long properties = 0;
            properties += m.PayloadFormat is null ? 0 : 2;
            properties += m.MessageExpiryInterval is null ? 0 : 5;
            properties += m.ContentType is null ? 0 : 3 + Encoding.UTF8.GetByteCount(m.ContentType);
            properties += m.ResponseTopic is null ? 0 : 3 + Encoding.UTF8.GetByteCount(m.ResponseTopic);
            properties += m.CorrelationData is { } c ? 3 + c.Length : 0;
            if (m.UserProperties is { } user)
            {
                foreach (var p in user)
                {
                    properties += 5 + Encoding.UTF8.GetByteCount(p.Name) + Encoding.UTF8.GetByteCount(p.Value);
                }
            }

            if (m.SubscriptionIdentifiers is { } ids)
            {
                foreach (var id in ids)
                {
                    properties += 1 + MqttVariableByteInteger.Size(id);
                }
            }

            remaining += properties + MqttVariableByteInteger.Size((uint)Math.Min(properties, MqttVariableByteInteger.Maximum));
        }

        return 1 + (remaining < MqttVariableByteInteger.Maximum ? MqttVariableByteInteger.Size((uint)remaining) : 4) + remaining;
    }
}
