using System.Security.Cryptography;

namespace Fleet.Shared.Security;

/// <summary>The fleet's model-signing key: ECDSA P-256. The gateway holds the private key; devices the public key.</summary>
/// <remarks>Keys are exchanged as PEM (PKCS#8 private, SubjectPublicKeyInfo public).</remarks>
public static class FleetKey
{
    /// <summary>Creates a new P-256 signing key.</summary>
    public static ECDsa Create() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>Loads a PEM key (private or public); rejects keys that are not P-256.</summary>
    /// <exception cref="CryptographicException">The PEM is malformed or not a P-256 key.</exception>
    public static ECDsa FromPem(string pem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pem);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.KeySize != 256)
            {
                throw new CryptographicException($"the fleet key must be ECDSA P-256, not a {key.KeySize}-bit curve");
            }

            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Loads the private key at <paramref name="path"/>, creating it (mode 0600) when absent.</summary>
    public static ECDsa LoadOrCreatePrivate(string path)
    {
        if (File.Exists(path))
        {
            return FromPem(File.ReadAllText(path));
        }

        var key = Create();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (PrivateFile.TryCreate(path, key.ExportPkcs8PrivateKeyPem()))
        {
            return key;
        }

        // Another process (a gateway node sharing the secrets directory) created the key first: one fleet, one key.
        key.Dispose();
        return FromPem(File.ReadAllText(path));
    }

    /// <summary>The public half as PEM, for devices.</summary>
    public static string PublicPem(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.ExportSubjectPublicKeyInfoPem();
    }
}
