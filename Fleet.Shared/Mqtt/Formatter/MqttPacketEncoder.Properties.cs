using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Shared.Mqtt.Formatter;

internal sealed partial class MqttPacketEncoder
{
    private void WriteMessageProperties(MqttApplicationMessage m, ushort topicAlias)
    {
        ByteProperty(MqttPropertyId.PayloadFormatIndicator, (byte?)m.PayloadFormat);
        UInt32Property(MqttPropertyId.MessageExpiryInterval, m.MessageExpiryInterval);
        UInt16Property(MqttPropertyId.TopicAlias, topicAlias == 0 ? null : topicAlias);
        StringProperty(MqttPropertyId.ResponseTopic, m.ResponseTopic);
        BinaryProperty(MqttPropertyId.CorrelationData, m.CorrelationData);
        StringProperty(MqttPropertyId.ContentType, m.ContentType);
        if (m.SubscriptionIdentifiers is { } ids)
        {
            foreach (var id in ids)
            {
                _properties.WriteByte((byte)MqttPropertyId.SubscriptionIdentifier);
                _properties.WriteVariableByteInteger(id);
            }
        }

        UserProperties(m.UserProperties);
    }

    private void AppendProperties()
    {
        _body.WriteVariableByteInteger((uint)_properties.Length);
        _body.Write(_properties.WrittenSpan);
    }

    private void ByteProperty(MqttPropertyId id, byte? value)
    {
        if (value is { } v)
        {
            _properties.WriteByte((byte)id);
            _properties.WriteByte(v);
        }
    }

    private void UInt16Property(MqttPropertyId id, ushort? value)
    {
        if (value is { } v)
        {
            _properties.WriteByte((byte)id);
            _properties.WriteUInt16(v);
        }
    }

    private void UInt32Property(MqttPropertyId id, uint? value)
    {
        if (value is { } v)
        {
            _properties.WriteByte((byte)id);
            _properties.WriteUInt32(v);
        }
    }

    private void StringProperty(MqttPropertyId id, string? value)
    {
        if (value is not null)
        {
            _properties.WriteByte((byte)id);
            _properties.WriteString(value);
        }
    }

    private void BinaryProperty(MqttPropertyId id, ReadOnlyMemory<byte>? value)
    {
        if (value is { } v)
        {
            _properties.WriteByte((byte)id);
            _properties.WriteBinary(v.Span);
        }
    }

    private void UserProperties(IReadOnlyList<MqttUserProperty>? properties)
    {
        if (properties is null)
        {
            return;
        }

        foreach (var property in properties)
        {
            _properties.WriteByte((byte)MqttPropertyId.UserProperty);
            _properties.WriteString(property.Name);
            _properties.WriteString(property.Value);
        }
    }
}
