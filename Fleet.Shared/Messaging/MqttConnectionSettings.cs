using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace Fleet.Shared.Messaging;

/// <summary>Everything Fleet configures on an MQTT connection, in one value that <see cref="MqttClientOptionsFactory"/> turns into MQTTnet options.</summary>
/// <remarks>
/// The device uplink, the gateway's ingress sessions and outbound publisher, the <c>fleet mqtt</c> CLI and
/// the benchmarks all connect through this record, so TLS trust, the TCP_QUICKACK transport and the
/// version-specific session flags are decided in one place.
/// </remarks>
public sealed record MqttConnectionSettings
{
    /// <summary>Broker host name or address.</summary>
    public required string Host { get; init; }

    /// <summary>Broker port.</summary>
    public required int Port { get; init; }

    /// <summary>Client identifier; a second connection with the same id takes the session over.</summary>
    public required string ClientId { get; init; }

    /// <summary>MQTT 5 (default) or 3.1.1.</summary>
    public MqttProtocolVersion ProtocolVersion { get; init; } = MqttProtocolVersion.V500;

    /// <summary>User name, or null for none.</summary>
    public string? UserName { get; init; }

    /// <summary>Password, or null for none.</summary>
    public string? Password { get; init; }

    /// <summary>Keep-alive period; zero turns PINGREQs off.</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long connecting (and MQTTnet's own request timeouts) may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>MQTT 5 clean start / MQTT 3.1.1 clean session. False resumes the broker's session.</summary>
    public bool CleanStart { get; init; } = true;

    /// <summary>MQTT 5 session expiry in seconds (not sent on 3.1.1, where a kept session never expires).</summary>
    public uint SessionExpiryInterval { get; init; }

    /// <summary>MQTT 5 Receive Maximum the client advertises: how many unacknowledged QoS 1/2 deliveries the broker may send at once; 0 leaves the default (65,535).</summary>
    public ushort ReceiveMaximum { get; init; }

    /// <summary>MQTT 5 user properties sent with CONNECT.</summary>
    public IReadOnlyList<MqttUserProperty> UserProperties { get; init; } = [];

    /// <summary>The Last Will the broker publishes when the connection ends without a DISCONNECT; null for none.</summary>
    public MqttWillSettings? Will { get; init; }

    /// <summary>TLS settings; null for plain TCP.</summary>
    public MqttTlsSettings? Tls { get; init; }

    /// <summary>
    /// Acknowledge received TCP data at once (Linux TCP_QUICKACK after every read). On by default: it
    /// removes the ~40 ms stall per QoS 1 window against a broker that leaves Nagle on.
    /// </summary>
    public bool TcpQuickAck { get; init; } = true;

    /// <summary>Socket send and receive buffer size in bytes.</summary>
    public int SocketBufferSize { get; init; } = 64 * 1024;
}

/// <summary>A Last Will message.</summary>
/// <param name="Topic">Topic the broker publishes the will on.</param>
/// <param name="Payload">Will payload.</param>
/// <param name="QualityOfService">QoS of the will publication.</param>
/// <param name="Retain">Whether the broker retains the will.</param>
/// <param name="DelaySeconds">MQTT 5 will delay (0 = at once; ignored on 3.1.1).</param>
public sealed record MqttWillSettings(string Topic, byte[] Payload, MqttQualityOfServiceLevel QualityOfService, bool Retain, uint DelaySeconds = 0);

/// <summary>TLS for an MQTT connection.</summary>
/// <remarks>
/// With <see cref="CaFile"/> the broker's certificate must chain to those certificates alone (custom root
/// trust; the system store is not consulted) and revocation is not checked: the fleet CA publishes no
/// CRL or OCSP responder, and devices may have no internet.
/// </remarks>
public sealed record MqttTlsSettings
{
    /// <summary>PEM file of the trusted root(s); null trusts the system store.</summary>
    public string? CaFile { get; init; }

    /// <summary>PEM client certificate for mutual TLS; null for none.</summary>
    public string? CertificateFile { get; init; }

    /// <summary>PEM private key of <see cref="CertificateFile"/> (null when the certificate file holds it).</summary>
    public string? KeyFile { get; init; }

    /// <summary>Server name the certificate must carry; null uses the host.</summary>
    public string? ServerName { get; init; }

    /// <summary>Accept any server certificate (mosquitto's <c>--insecure</c>). For tests against throwaway brokers only.</summary>
    public bool AllowUntrustedCertificates { get; init; }
}
