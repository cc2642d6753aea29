using System.Security.Cryptography;

namespace Fleet.Shared.Security;

/// <summary>Signs and verifies model artifacts as docs/PROTOCOL.md specifies.</summary>
/// <remarks>
/// The signature is ECDSA P-256 over the SHA-256 of the artifact's bytes, in IEEE P1363 form
/// (r‖s, 64 bytes), base64-encoded. The hash is lower-case hex. Verification is a value, not an
/// exception: a device refuses a bad artifact and keeps serving its current model.
/// </remarks>
public static class ModelSignature
{
    /// <summary>Lower-case hex SHA-256 of <paramref name="artifact"/>.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> artifact) => Convert.ToHexStringLower(SHA256.HashData(artifact));

    /// <summary>Signs <paramref name="artifact"/> with the fleet's private key.</summary>
    public static string Sign(ECDsa privateKey, ReadOnlySpan<byte> artifact)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(artifact, hash);
        return Convert.ToBase64String(privateKey.SignHash(hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    /// <summary>Checks that <paramref name="artifact"/> has the expected hash and a valid fleet signature.</summary>
    public static SignatureCheck Verify(ECDsa publicKey, ReadOnlySpan<byte> artifact, string? expectedSha256, string? signatureBase64)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(artifact, hash);
        if (string.IsNullOrEmpty(expectedSha256) || !string.Equals(Convert.ToHexStringLower(hash), expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            return SignatureCheck.HashMismatch;
        }

        if (string.IsNullOrEmpty(signatureBase64))
        {
            return SignatureCheck.Unsigned;
        }

        Span<byte> signature = stackalloc byte[128];
        if (!Convert.TryFromBase64String(signatureBase64, signature, out var length) || length != 64)
        {
            return SignatureCheck.Malformed;
        }

        return publicKey.VerifyHash(hash, signature[..length], DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            ? SignatureCheck.Valid
            : SignatureCheck.BadSignature;
    }
}

/// <summary>Outcome of <see cref="ModelSignature.Verify"/>.</summary>
public enum SignatureCheck
{
    /// <summary>Hash matches and the fleet key signed it.</summary>
    Valid,

    /// <summary>The bytes do not hash to the advertised SHA-256 (corrupt or tampered download).</summary>
    HashMismatch,

    /// <summary>No signature was supplied.</summary>
    Unsigned,

    /// <summary>The signature is not 64 bytes of base64.</summary>
    Malformed,

    /// <summary>Well-formed, but not made by the fleet key.</summary>
    BadSignature,
}
