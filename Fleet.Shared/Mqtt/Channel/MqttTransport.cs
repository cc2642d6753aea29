using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Fleet.Shared.Mqtt.Channel;

/// <summary>Opens the byte stream under an MQTT connection: TCP, optionally wrapped in TLS.</summary>
internal static class MqttTransport
{
    public static async Task<MqttTransportLink> ConnectAsync(string host, int port, MqttTlsOptions? tls, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new MqttTransportException($"cannot connect to {host}:{port}: {ex.Message}", ex);
        }

        var network = new NetworkStream(socket, ownsSocket: true);
        if (tls is null)
        {
            return new MqttTransportLink(network, socket);
        }

        var ssl = new SslStream(network, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(CreateOptions(host, tls), cancellationToken).ConfigureAwait(false);
            return new MqttTransportLink(ssl, socket);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or System.Security.Cryptography.CryptographicException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new MqttTransportException($"TLS handshake with {host}:{port} failed: {ex.Message}", ex, isTlsFailure: true);
        }
    }

    private static SslClientAuthenticationOptions CreateOptions(string host, MqttTlsOptions tls)
    {
        var options = new SslClientAuthenticationOptions { TargetHost = tls.ServerName ?? host };
        if (tls.AllowUntrustedCertificates)
        {
            options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (tls.CaFile is not null)
        {
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(LoadCertificates(tls.CaFile));
            options.CertificateChainPolicy = policy;
        }

        if (tls.ClientCertificateFile is not null)
        {
            var certificate = X509Certificate2.CreateFromPemFile(tls.ClientCertificateFile, tls.ClientKeyFile);
            options.ClientCertificateContext = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
        }

        return options;
    }

    private static X509Certificate2Collection LoadCertificates(string pemFile)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(pemFile);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Cryptography.CryptographicException)
        {
            throw new MqttTransportException($"cannot read CA file {pemFile}: {ex.Message}", ex, isTlsFailure: true);
        }

        return collection;
    }
}
