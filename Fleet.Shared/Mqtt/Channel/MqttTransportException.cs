namespace Fleet.Shared.Mqtt.Channel;

/// <summary>The transport could not be established or broke: TCP connect, TLS handshake, or the socket closed.</summary>
public sealed class MqttTransportException : IOException
{
    /// <summary>Creates a transport failure.</summary>
    public MqttTransportException(string message, Exception? innerException = null, bool isTlsFailure = false)
        : base(message, innerException) => IsTlsFailure = isTlsFailure;

    /// <summary>Creates a transport failure.</summary>
    public MqttTransportException()
        : this("transport failure")
    {
    }

    /// <summary>Creates a transport failure.</summary>
    public MqttTransportException(string message)
        : this(message, null, false)
    {
    }

    /// <summary>Creates a transport failure.</summary>
    public MqttTransportException(string message, Exception innerException)
        : this(message, innerException, false)
    {
    }

    /// <summary>The TLS handshake or certificate validation failed (wrong CA, name mismatch, client certificate refused).</summary>
    public bool IsTlsFailure { get; }
}
