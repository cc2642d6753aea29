using Fleet.Shared.Mqtt.Channel;
using Microsoft.Extensions.Logging;

namespace Fleet.Shared.Mqtt;

/// <summary>MQTT client log messages; event ids 7100–7199 belong to the MQTT client.</summary>
internal static partial class MqttLog
{
    [LoggerMessage(7100, LogLevel.Information, "MQTT connected to {Host}:{Port} as {ClientId} (session present: {SessionPresent})")]
    public static partial void Connected(ILogger logger, string host, int port, string clientId, bool sessionPresent);

    [LoggerMessage(7101, LogLevel.Warning, "MQTT connection refused by {Host}:{Port}: {ResultCode}")]
    public static partial void Refused(ILogger logger, string host, int port, Packets.MqttConnectReasonCode resultCode);

    [LoggerMessage(7102, LogLevel.Warning, "MQTT connection to {Host}:{Port} ended: {Reason} {ReasonCode}")]
    public static partial void Disconnected(ILogger logger, string host, int port, MqttCloseReason reason, Packets.MqttDisconnectReasonCode? reasonCode, Exception? exception);

    [LoggerMessage(7103, LogLevel.Information, "MQTT reconnect attempt {Attempt} to {Host}:{Port} in {Delay}")]
    public static partial void Reconnecting(ILogger logger, int attempt, string host, int port, TimeSpan delay);

    [LoggerMessage(7104, LogLevel.Warning, "MQTT reconnect attempt {Attempt} failed")]
    public static partial void ReconnectFailed(ILogger logger, int attempt, Exception exception);

    [LoggerMessage(7105, LogLevel.Error, "MQTT message handler failed for topic {Topic}; the message is acknowledged anyway")]
    public static partial void HandlerFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(7106, LogLevel.Warning, "MQTT re-subscribe after reconnect failed")]
    public static partial void ResubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(7107, LogLevel.Warning, "MQTT outbound queue delivery failed; retrying")]
    public static partial void QueueDeliveryFailed(ILogger logger, Exception exception);
}
