namespace Fleet.Shared.Mqtt.Channel;

/// <summary>TLS settings of a connection; PEM files as Mosquitto uses them.</summary>
/// <remarks>
/// With <see cref="CaFile"/> set, the server certificate must chain to that CA (the system store is
/// not consulted); without it, the system trust store decides. The host name (or
/// <see cref="ServerName"/>) must match the certificate unless <see cref="AllowUntrustedCertificates"/>.
/// </remarks>
public sealed record MqttTlsOptions
{
    /// <summary>PEM file with the CA certificate(s) that must sign the server certificate; null: system store.</summary>
    public string? CaFile { get; init; }

    /// <summary>PEM client certificate for mutual TLS.</summary>
    public string? ClientCertificateFile { get; init; }

    /// <summary>PEM private key of <see cref="ClientCertificateFile"/>.</summary>
    public string? ClientKeyFile { get; init; }

    /// <summary>Name sent as SNI and checked against the certificate; null uses the host connected to.</summary>
    public string? ServerName { get; init; }

    /// <summary>Skip certificate validation (mosquitto_pub <c>--insecure</c>); never in production.</summary>
    public bool AllowUntrustedCertificates { get; init; }
}
