using Fleet.Device.Configuration;
using Fleet.Shared.Mqtt;
using Fleet.Shared.Mqtt.Channel;
using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Device.Uplink;

/// <summary>Turns the agent's configuration into the MQTT client's connection settings (only the uplink speaks MQTT).</summary>
internal static class BrokerConnection
{
    /// <summary>The broker connection <paramref name="options"/> describe (the uplink adds the client id, session and will).</summary>
    public static MqttClientOptions Mqtt(this DeviceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new()
        {
            Host = options.BrokerHost,
            Port = options.BrokerPort,
            ProtocolVersion = options.IsMqtt311 ? MqttProtocolVersion.V311 : MqttProtocolVersion.V500,
            UserName = options.Username,
            Password = options.Password,
            Tls = options.Tls ? new MqttTlsOptions { CaFile = options.CaFile, ClientCertificateFile = options.ClientCertificate, ClientKeyFile = options.ClientKey } : null,
        };
    }
}
