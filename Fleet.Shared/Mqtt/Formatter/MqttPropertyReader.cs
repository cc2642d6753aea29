using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Shared.Mqtt.Formatter;

/// <summary>Decodes one MQTT 5 property block strictly: unknown or misplaced ids are malformed, repeats are protocol errors.</summary>
internal static class MqttPropertyReader
{
    public static MqttPropertyValues Read(ref MqttSpanReader reader, ulong allowed)
    {
        var length = reader.ReadVariableByteInteger();
        var block = new MqttSpanReader(reader.Take(checked((int)Math.Min(length, int.MaxValue))));
        var values = default(MqttPropertyValues);
        ulong seen = 0;
        while (!block.End)
        {
            var idValue = block.ReadVariableByteInteger();
            if (idValue > 0x7F || !MqttPropertySets.Contains(allowed, (byte)idValue))
            {
                throw new MqttProtocolViolationException($"property 0x{idValue:X2} is not valid in this packet");
            }

            var id = (MqttPropertyId)idValue;
            var bit = 1UL << (int)idValue;
            if ((seen & bit) != 0 && id is not (MqttPropertyId.UserProperty or MqttPropertyId.SubscriptionIdentifier))
            {
                throw new MqttProtocolViolationException(MqttDisconnectReasonCode.ProtocolError, $"property {id} appears twice");
            }

            seen |= bit;
            ReadOne(ref block, id, ref values);
        }

        return values;
    }

    private static void ReadOne(ref MqttSpanReader r, MqttPropertyId id, ref MqttPropertyValues v)
    {
        switch (id)
        {
            case MqttPropertyId.PayloadFormatIndicator: v.PayloadFormatIndicator = Flag(ref r, id); break;
            case MqttPropertyId.MessageExpiryInterval: v.MessageExpiryInterval = r.ReadUInt32(); break;
            case MqttPropertyId.ContentType: v.ContentType = r.ReadString(); break;
            case MqttPropertyId.ResponseTopic:
                v.ResponseTopic = r.ReadString();
                if (v.ResponseTopic.Length == 0 || v.ResponseTopic.AsSpan().IndexOfAny('+', '#') >= 0)
                {
                    throw new MqttProtocolViolationException(MqttDisconnectReasonCode.ProtocolError, "response topic is empty or has wildcards");
                }

                break;
            case MqttPropertyId.CorrelationData: v.CorrelationData = r.ReadBinary(); break;
            case MqttPropertyId.SubscriptionIdentifier:
                var subscriptionId = r.ReadVariableByteInteger();
                if (subscriptionId == 0)
                {
                    throw new MqttProtocolViolationException(MqttDisconnectReasonCode.ProtocolError, "subscription identifier 0");
                }

                (v.SubscriptionIdentifiers ??= []).Add(subscriptionId);
                break;
            case MqttPropertyId.SessionExpiryInterval: v.SessionExpiryInterval = r.ReadUInt32(); break;
            case MqttPropertyId.AssignedClientIdentifier: v.AssignedClientIdentifier = r.ReadString(); break;
            case MqttPropertyId.ServerKeepAlive: v.ServerKeepAlive = r.ReadUInt16(); break;
            case MqttPropertyId.AuthenticationMethod: v.AuthenticationMethod = r.ReadString(); break;
            case MqttPropertyId.AuthenticationData: v.AuthenticationData = r.ReadBinary(); break;
            case MqttPropertyId.RequestProblemInformation: v.RequestProblemInformation = Flag(ref r, id); break;
            case MqttPropertyId.WillDelayInterval: v.WillDelayInterval = r.ReadUInt32(); break;
            case MqttPropertyId.RequestResponseInformation: v.RequestResponseInformation = Flag(ref r, id); break;
            case MqttPropertyId.ResponseInformation: v.ResponseInformation = r.ReadString(); break;
            case MqttPropertyId.ServerReference: v.ServerReference = r.ReadString(); break;
            case MqttPropertyId.ReasonString: v.ReasonString = r.ReadString(); break;
            case MqttPropertyId.ReceiveMaximum: v.ReceiveMaximum = NonZero(r.ReadUInt16(), id); break;
            case MqttPropertyId.TopicAliasMaximum: v.TopicAliasMaximum = r.ReadUInt16(); break;
            case MqttPropertyId.TopicAlias: v.TopicAlias = r.ReadUInt16(); break;
            case MqttPropertyId.MaximumQoS: v.MaximumQoS = Flag(ref r, id); break;
            case MqttPropertyId.RetainAvailable: v.RetainAvailable = Flag(ref r, id); break;
            case MqttPropertyId.UserProperty:
                var name = r.ReadString();
                (v.UserProperties ??= []).Add(new MqttUserProperty(name, r.ReadString()));
                break;
            case MqttPropertyId.MaximumPacketSize:
                var maximum = r.ReadUInt32();
                v.MaximumPacketSize = maximum == 0 ? throw new MqttProtocolViolationException(MqttDisconnectReasonCode.ProtocolError, "maximum packet size 0") : maximum;
                break;
            case MqttPropertyId.WildcardSubscriptionAvailable: v.WildcardSubscriptionAvailable = Flag(ref r, id); break;
            case MqttPropertyId.SubscriptionIdentifierAvailable: v.SubscriptionIdentifierAvailable = Flag(ref r, id); break;
            case MqttPropertyId.SharedSubscriptionAvailable: v.SharedSubscriptionAvailable = Flag(ref r, id); break;
            default: throw new MqttProtocolViolationException($"unknown property 0x{(byte)id:X2}");
        }
    }

    private static byte Flag(ref MqttSpanReader r, MqttPropertyId id)
    {
        var value = r.ReadByte();
        return value <= 1 ? value : throw new MqttProtocolViolationException(MqttDisconnectReasonCode.ProtocolError, $"property {id} must be 0 or 1, was {value}");
    }

    private static ushort NonZero(ushort value, MqttPropertyId id) =>
        value != 0 ? value : throw new MqttProtocolViolationException(MqttDisconnectReasonCode.ProtocolError, $"property {id} must not be 0");
}
