using System.Text.Unicode;
using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Shared.Mqtt.Formatter;

internal sealed partial class MqttPacketDecoder
{
    private MqttPublishPacket DecodePublish(int flags, ref MqttSpanReader reader)
    {
        var qos = (flags >> 1) & 0x03;
        if (qos == 3)
        {
            throw new MqttProtocolViolationException("PUBLISH with QoS 3");
        }

        var duplicate = (flags & 0x08) != 0;
        if (duplicate && qos == 0)
        {
            throw new MqttProtocolViolationException(MqttDisconnectReasonCode.ProtocolError, "DUP set on a QoS 0 PUBLISH");
        }

        var topic = ReadTopic(ref reader);
        if (topic.AsSpan().IndexOfAny('+', '#') >= 0)
        {
            throw new MqttProtocolViolationException(MqttDisconnectReasonCode.TopicNameInvalid, $"wildcard in PUBLISH topic '{topic}'");
        }

        var packetId = qos > 0 ? ReadPacketId(ref reader) : (ushort)0;
        var p = V5 ? MqttPropertyReader.Read(ref reader, MqttPropertySets.Publish) : default;
        ushort alias = 0;
        if (p.TopicAlias is { } topicAlias)
        {
            topic = ResolveAlias(topic, topicAlias);
            alias = topicAlias;
        }
        else if (topic.Length == 0)
        {
            throw new MqttProtocolViolationException(MqttDisconnectReasonCode.ProtocolError, "empty PUBLISH topic without a topic alias");
        }

        var payload = reader.ReadToEnd();
        if (p.PayloadFormatIndicator == 1 && !Utf8.IsValid(payload))
        {
            throw new MqttProtocolViolationException(MqttDisconnectReasonCode.PayloadFormatInvalid, "payload flagged UTF-8 is not well-formed UTF-8");
        }

        var message = new MqttApplicationMessage(topic, payload.Length == 0 ? ReadOnlyMemory<byte>.Empty : payload.ToArray())
        {
            QualityOfService = (MqttQualityOfService)qos,
            Retain = (flags & 0x01) != 0,
            Duplicate = duplicate,
            PayloadFormat = (MqttPayloadFormat?)p.PayloadFormatIndicator,
            MessageExpiryInterval = p.MessageExpiryInterval,
            ContentType = p.ContentType,
            ResponseTopic = p.ResponseTopic,
            CorrelationData = AsMemory(p.CorrelationData),
            UserProperties = p.UserProperties,
            SubscriptionIdentifiers = p.SubscriptionIdentifiers,
        };
        return new MqttPublishPacket(message, packetId, duplicate, alias);
    }

    /// <summary>Consecutive messages usually share a topic: reuse the previous string instead of decoding a new one.</summary>
    private string ReadTopic(ref MqttSpanReader reader)
    {
        var bytes = reader.ReadBinarySpan();
        if (_lastTopic is not null && bytes.SequenceEqual(_lastTopicBytes))
        {
            return _lastTopic;
        }

        MqttSpanReader.Validate(bytes);
        _lastTopic = bytes.Length == 0 ? "" : System.Text.Encoding.UTF8.GetString(bytes);
        _lastTopicBytes = bytes.ToArray();
        return _lastTopic;
    }

    private string ResolveAlias(string topic, ushort alias)
    {
        if (alias == 0 || alias > TopicAliasMaximum)
        {
            throw new MqttProtocolViolationException(MqttDisconnectReasonCode.TopicAliasInvalid, $"topic alias {alias} outside 1..{TopicAliasMaximum}");
        }

        _topicAliases ??= new string?[TopicAliasMaximum + 1];
        if (topic.Length > 0)
        {
            _topicAliases[alias] = topic;
            return topic;
        }

        return _topicAliases[alias] ?? throw new MqttProtocolViolationException(MqttDisconnectReasonCode.ProtocolError, $"topic alias {alias} used before it was set");
    }
}
