namespace Fleet.Shared.Mqtt;

/// <summary>A connection was established (first connect or automatic reconnect).</summary>
public sealed class MqttClientConnectedEventArgs(MqttConnectResult result, bool isReconnect) : EventArgs
{
    /// <summary>The server's CONNACK.</summary>
    public MqttConnectResult Result { get; } = result;

    /// <summary>Established by automatic reconnect.</summary>
    public bool IsReconnect { get; } = isReconnect;
}
