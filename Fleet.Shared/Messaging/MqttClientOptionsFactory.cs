using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;

namespace Fleet.Shared.Messaging;

/// <summary>Turns <see cref="MqttConnectionSettings"/> into MQTTnet client options.</summary>
/// <remarks>
/// MQTTnet validates options per protocol version and throws for MQTT 5-only settings on 3.1.1, so only
/// what the chosen version can carry is set. PUBLISH packets are written with one socket write each
/// (packet fragmentation off): with Nagle off, MQTTnet would otherwise send the fixed header and the
/// payload as two TCP segments. Certificates are read here, so a missing or malformed PEM file fails
/// <see cref="Create"/> with a <see cref="MqttSettingsException"/> before any connection is tried.
/// </remarks>
public static class MqttClientOptionsFactory
{
    /// <summary>Builds the options for one connection attempt.</summary>
    /// <exception cref="MqttSettingsException">A TLS file cannot be read.</exception>
    public static MqttClientOptions Create(MqttConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrEmpty(settings.Host);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(settings.Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(settings.Port, 65535);

        var v5 = settings.ProtocolVersion == MqttProtocolVersion.V500;
        var builder = new MqttClientOptionsBuilder()
            .WithClientId(settings.ClientId)
            .WithProtocolVersion(settings.ProtocolVersion)
            .WithKeepAlivePeriod(settings.KeepAlive)
            .WithTimeout(settings.Timeout)
            .WithoutPacketFragmentation()
            .WithEndPoint(new System.Net.DnsEndPoint(settings.Host, settings.Port));

        builder = v5
            ? builder.WithCleanStart(settings.CleanStart).WithSessionExpiryInterval(settings.SessionExpiryInterval)
            : builder.WithCleanSession(settings.CleanStart);
        if (v5 && settings.ReceiveMaximum > 0)
        {
            builder = builder.WithReceiveMaximum(settings.ReceiveMaximum);
        }

        if (settings.UserName is not null)
        {
            builder = builder.WithCredentials(settings.UserName, settings.Password);
        }

        if (v5)
        {
            foreach (var property in settings.UserProperties)
            {
                builder = builder.WithUserProperty(property.Name, property.ValueBuffer);
            }
        }

        if (settings.Will is { } will)
        {
            builder = builder.WithWillTopic(will.Topic).WithWillPayload(will.Payload).WithWillQualityOfServiceLevel(will.QualityOfService).WithWillRetain(will.Retain);
            if (v5 && will.DelaySeconds > 0)
            {
                builder = builder.WithWillDelayInterval(will.DelaySeconds);
            }
        }

        if (settings.Tls is { } tls)
        {
            builder = builder.WithTlsOptions(Tls(settings.Host, tls));
        }

        var options = builder.Build();

        // The builder has no setters for these, and WithEndPoint replaces any TCP options set before it.
        var tcp = (MqttClientTcpOptions)options.ChannelOptions;
        tcp.NoDelay = true;
        tcp.BufferSize = settings.SocketBufferSize;
        tcp.StreamProvider = settings.TcpQuickAck && OperatingSystem.IsLinux() ? new QuickAckStreamProvider(settings.SocketBufferSize) : null;
        return options;
    }

    private static MqttClientTlsOptions Tls(string host, MqttTlsSettings tls)
    {
        var builder = new MqttClientTlsOptionsBuilder()
            .UseTls()
            .WithTargetHost(tls.ServerName ?? host)
            .WithRevocationMode(X509RevocationMode.NoCheck)
            .WithIgnoreCertificateRevocationErrors();
        if (tls.AllowUntrustedCertificates)
        {
            builder = builder.WithCertificateValidationHandler(static _ => true);
        }
        else if (tls.CaFile is not null)
        {
            builder = builder.WithTrustChain(ReadPem(tls.CaFile, static (collection, path) => collection.ImportFromPemFile(path)));
        }

        if (tls.CertificateFile is not null)
        {
            var certificateFile = tls.CertificateFile;
            builder = builder.WithClientCertificates(ReadPem(certificateFile, (collection, path) => collection.Add(X509Certificate2.CreateFromPemFile(path, tls.KeyFile))));
        }

        return builder.Build();
    }

    private static X509Certificate2Collection ReadPem(string path, Action<X509Certificate2Collection, string> read)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            read(collection, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new MqttSettingsException($"cannot read {path}: {ex.Message}", ex);
        }

        if (collection.Count == 0)
        {
            throw new MqttSettingsException($"{path} holds no PEM certificate");
        }

        return collection;
    }
}
