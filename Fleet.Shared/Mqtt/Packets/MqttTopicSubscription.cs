namespace Fleet.Shared.Mqtt.Packets;

/// <summary>One topic filter of a SUBSCRIBE with its subscription options.</summary>
/// <param name="TopicFilter">Filter, possibly with <c>+</c>/<c>#</c> or a <c>$share/group/</c> prefix.</param>
/// <param name="QualityOfService">Maximum QoS the server may deliver with.</param>
/// <param name="NoLocal">MQTT 5: do not receive own publications.</param>
/// <param name="RetainAsPublished">MQTT 5: keep the retain flag as published instead of clearing it.</param>
/// <param name="RetainHandling">MQTT 5: when retained messages are sent.</param>
public sealed record MqttTopicSubscription(
    string TopicFilter,
    MqttQualityOfService QualityOfService = MqttQualityOfService.AtMostOnce,
    bool NoLocal = false,
    bool RetainAsPublished = false,
    MqttRetainHandling RetainHandling = MqttRetainHandling.SendAtSubscribe);
