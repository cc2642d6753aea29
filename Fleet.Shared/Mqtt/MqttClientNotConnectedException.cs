namespace Fleet.Shared.Mqtt;

/// <summary>An operation needed a connection and the client had none (and was not reconnecting).</summary>
public sealed class MqttClientNotConnectedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public MqttClientNotConnectedException()
        : base("the MQTT client is not connected")
    {
    }

    /// <summary>Creates the exception.</summary>
    public MqttClientNotConnectedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public MqttClientNotConnectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
