using Fleet.Device.Configuration;
using Fleet.Shared.Messaging;
using MQTTnet.Formatter;

namespace Fleet.Device.Uplink;

/// <summary>Turns the agent's configuration into the MQTT connection settings (only the uplink speaks MQTT).</summary>
internal static class BrokerConnection
{
    /// <summary>
    /// The broker connection <paramref name="options"/> describe. The uplink replaces the client id with the device
    /// id and adds the persistent session and the Last Will. With <c>--ca</c> the fleet CA is the only trust root
    /// and revocation is not checked (the fleet CA publishes none).
    /// </summary>
    public static MqttConnectionSettings Mqtt(this DeviceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new()
        {
            Host = options.BrokerHost,
            Port = options.BrokerPort,
            ClientId = "fleet-device",
            ProtocolVersion = options.IsMqtt311 ? MqttProtocolVersion.V311 : MqttProtocolVersion.V500,
            UserName = options.Username,
            Password = options.Password,
            KeepAlive = TimeSpan.FromSeconds(30),
            Timeout = TimeSpan.FromSeconds(10),
            Tls = options.Tls ? new MqttTlsSettings { CaFile = options.CaFile, CertificateFile = options.ClientCertificate, KeyFile = options.ClientKey } : null,
        };
    }
}
