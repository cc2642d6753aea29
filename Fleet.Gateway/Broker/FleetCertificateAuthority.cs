using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using Fleet.Shared.Security;

namespace Fleet.Gateway.Broker;

/// <summary>
/// The fleet's device CA, kept in <c>{data}/ca/</c> (<c>ca.key.pem</c> mode 0600, <c>ca.crt.pem</c>): issues
/// client certificates whose subject CN is the device id, for brokers that authenticate devices by mutual
/// TLS (Mosquitto <c>require_certificate true</c> + <c>use_identity_as_username true</c>, <c>cafile</c> = the CA).
/// </summary>
internal sealed class FleetCertificateAuthority : IDisposable
{
    private static readonly TimeSpan CaLifetime = TimeSpan.FromDays(3650);
    private static readonly TimeSpan DeviceLifetime = TimeSpan.FromDays(825);

    private readonly X509Certificate2 _ca;
    private readonly TimeProvider _time;

    private FleetCertificateAuthority(X509Certificate2 ca, TimeProvider time)
    {
        _ca = ca;
        _time = time;
    }

    public string CertificatePem => _ca.ExportCertificatePem();

    public static FleetCertificateAuthority LoadOrCreate(string dataDirectory, TimeProvider time)
    {
        var directory = Path.Combine(Path.GetFullPath(dataDirectory), "ca");
        var keyPath = Path.Combine(directory, "ca.key.pem");
        var certPath = Path.Combine(directory, "ca.crt.pem");
        if (File.Exists(keyPath) && File.Exists(certPath))
        {
            return new FleetCertificateAuthority(X509Certificate2.CreateFromPemFile(certPath, keyPath), time);
        }

        Directory.CreateDirectory(directory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Fleet device CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = time.GetUtcNow();
        using var ca = request.CreateSelfSigned(now.AddMinutes(-5), now + CaLifetime);
        PrivateFile.Write(keyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certPath, ca.ExportCertificatePem());
        return new FleetCertificateAuthority(X509Certificate2.CreateFromPemFile(certPath, keyPath), time);
    }

    /// <summary>A new key pair and a client certificate for <paramref name="deviceId"/>, as PEM.</summary>
    public (string CertificatePem, string PrivateKeyPem) Issue(string deviceId)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(deviceId);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        var now = _time.GetUtcNow();
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var certificate = request.Create(_ca, now.AddMinutes(-5), now + DeviceLifetime, serial);
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>A new key pair and a TLS server certificate for the managed broker, valid for <paramref name="hosts"/> (DNS names or IP addresses), as PEM.</summary>
    public (string CertificatePem, string PrivateKeyPem) IssueServer(IEnumerable<string> hosts)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName("Fleet broker");
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (System.Net.IPAddress.TryParse(host, out var address))
            {
                names.AddIpAddress(address);
            }
            else
            {
                names.AddDnsName(host);
            }
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = _time.GetUtcNow();
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var certificate = request.Create(_ca, now.AddMinutes(-5), now + DeviceLifetime, serial);
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>Where the CA certificate lives under <paramref name="dataDirectory"/> (what a broker's <c>cafile</c> names).</summary>
    public static string CertificatePath(string dataDirectory) => Path.Combine(Path.GetFullPath(dataDirectory), "ca", "ca.crt.pem");

    public void Dispose() => _ca.Dispose();
}
