namespace Fleet.Shared.Messaging;

/// <summary>A connection setting cannot be used (for example a certificate file that does not exist or holds no certificate).</summary>
public sealed class MqttSettingsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MqttSettingsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public MqttSettingsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without a message.</summary>
    public MqttSettingsException()
    {
    }
}
