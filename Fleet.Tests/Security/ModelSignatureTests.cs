using Fleet.Shared.Security;

namespace Fleet.Tests.Security;

public sealed class ModelSignatureTests
{
    private static readonly byte[] Artifact = [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 31))];

    [Fact]
    public void Verify_SignedArtifact_IsValid()
    {
        using var key = FleetKey.Create();
        var signature = ModelSignature.Sign(key, Artifact);
        using var pub = FleetKey.FromPem(FleetKey.PublicPem(key));
        Assert.Equal(SignatureCheck.Valid, ModelSignature.Verify(pub, Artifact, ModelSignature.Sha256Hex(Artifact), signature));
    }

    [Fact]
    public void Verify_OneFlippedBit_IsHashMismatch()
    {
        using var key = FleetKey.Create();
        var hash = ModelSignature.Sha256Hex(Artifact);
        var signature = ModelSignature.Sign(key, Artifact);
        var tampered = (byte[])Artifact.Clone();
        tampered[100] ^= 0x04;
        Assert.Equal(SignatureCheck.HashMismatch, ModelSignature.Verify(key, tampered, hash, signature));
    }

    [Fact]
    public void Verify_SignedByAnotherKey_IsBadSignature()
    {
        using var fleet = FleetKey.Create();
        using var attacker = FleetKey.Create();
        var signature = ModelSignature.Sign(attacker, Artifact);
        Assert.Equal(SignatureCheck.BadSignature, ModelSignature.Verify(fleet, Artifact, ModelSignature.Sha256Hex(Artifact), signature));
    }

    [Theory]
    [InlineData(null, SignatureCheck.Unsigned)]
    [InlineData("", SignatureCheck.Unsigned)]
    [InlineData("not base64!", SignatureCheck.Malformed)]
    [InlineData("AAAA", SignatureCheck.Malformed)]
    public void Verify_MissingOrMalformedSignature_IsRefused(string? signature, SignatureCheck expected)
    {
        using var key = FleetKey.Create();
        Assert.Equal(expected, ModelSignature.Verify(key, Artifact, ModelSignature.Sha256Hex(Artifact), signature));
    }

    [Fact]
    public void LoadOrCreatePrivate_PersistsTheKeyWithOwnerOnlyMode()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fleet-key-{Guid.NewGuid():N}.pem");
        try
        {
            using var first = FleetKey.LoadOrCreatePrivate(path);
            using var second = FleetKey.LoadOrCreatePrivate(path);
            Assert.Equal(FleetKey.PublicPem(first), FleetKey.PublicPem(second));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromPem_Garbage_ThrowsCryptographicException() =>
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => FleetKey.FromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"));
}
