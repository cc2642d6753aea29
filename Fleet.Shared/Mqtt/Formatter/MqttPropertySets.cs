using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Shared.Mqtt.Formatter;

/// <summary>Which MQTT 5 properties each packet may carry, as bit masks over the property identifier.</summary>
internal static class MqttPropertySets
{
    public static readonly ulong Publish = Of(
        MqttPropertyId.PayloadFormatIndicator, MqttPropertyId.MessageExpiryInterval, MqttPropertyId.ContentType,
        MqttPropertyId.ResponseTopic, MqttPropertyId.CorrelationData, MqttPropertyId.SubscriptionIdentifier,
        MqttPropertyId.TopicAlias, MqttPropertyId.UserProperty);

    public static readonly ulong Will = Of(
        MqttPropertyId.PayloadFormatIndicator, MqttPropertyId.MessageExpiryInterval, MqttPropertyId.ContentType,
        MqttPropertyId.ResponseTopic, MqttPropertyId.CorrelationData, MqttPropertyId.WillDelayInterval, MqttPropertyId.UserProperty);

    public static readonly ulong Connect = Of(
        MqttPropertyId.SessionExpiryInterval, MqttPropertyId.AuthenticationMethod, MqttPropertyId.AuthenticationData,
        MqttPropertyId.RequestProblemInformation, MqttPropertyId.RequestResponseInformation, MqttPropertyId.ReceiveMaximum,
        MqttPropertyId.TopicAliasMaximum, MqttPropertyId.UserProperty, MqttPropertyId.MaximumPacketSize);

    public static readonly ulong ConnAck = Of(
        MqttPropertyId.SessionExpiryInterval, MqttPropertyId.AssignedClientIdentifier, MqttPropertyId.ServerKeepAlive,
        MqttPropertyId.AuthenticationMethod, MqttPropertyId.AuthenticationData, MqttPropertyId.ResponseInformation,
        MqttPropertyId.ServerReference, MqttPropertyId.ReasonString, MqttPropertyId.ReceiveMaximum,
        MqttPropertyId.TopicAliasMaximum, MqttPropertyId.MaximumQoS, MqttPropertyId.RetainAvailable, MqttPropertyId.UserProperty,
        MqttPropertyId.MaximumPacketSize, MqttPropertyId.WildcardSubscriptionAvailable,
        MqttPropertyId.SubscriptionIdentifierAvailable, MqttPropertyId.SharedSubscriptionAvailable);

    public static readonly ulong Ack = Of(MqttPropertyId.ReasonString, MqttPropertyId.UserProperty);

    public static readonly ulong Subscribe = Of(MqttPropertyId.SubscriptionIdentifier, MqttPropertyId.UserProperty);

    public static readonly ulong Unsubscribe = Of(MqttPropertyId.UserProperty);

    public static readonly ulong Disconnect = Of(
        MqttPropertyId.SessionExpiryInterval, MqttPropertyId.ServerReference, MqttPropertyId.ReasonString, MqttPropertyId.UserProperty);

    public static readonly ulong Auth = Of(
        MqttPropertyId.AuthenticationMethod, MqttPropertyId.AuthenticationData, MqttPropertyId.ReasonString, MqttPropertyId.UserProperty);

    public static bool Contains(ulong set, byte id) => id < 64 && (set & (1UL << id)) != 0;

    private static ulong Of(params MqttPropertyId[] ids)
    {
        ulong mask = 0;
        foreach (var id in ids)
        {
            mask |= 1UL << (int)id;
        }

        return mask;
    }
}
