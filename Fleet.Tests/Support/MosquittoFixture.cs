using Fleet.Shared.Servers;

namespace Fleet.Tests.Infrastructure;

/// <summary>
/// A real Mosquitto on a free loopback port, shared by a test class (<c>IClassFixture&lt;MosquittoFixture&gt;</c>).
/// Fails the test loudly when the broker cannot start; it never skips.
/// </summary>
public class MosquittoFixture : IAsyncLifetime
{
    public MosquittoBroker Broker { get; private set; } = null!;

    public string Host => Broker.Host;

    public int Port => Broker.Port;

    protected virtual MosquittoOptions Options => new() { Persistence = true };

    public virtual async Task InitializeAsync() => Broker = await MosquittoBroker.StartAsync(Options);

    public virtual async Task DisposeAsync()
    {
        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }
    }

    /// <summary>Starts an extra broker with custom options (caller disposes).</summary>
    public static Task<MosquittoBroker> StartAsync(MosquittoOptions options) => MosquittoBroker.StartAsync(options);
}

/// <summary>Mosquitto with a password file and an ACL that confines each device to its own topics.</summary>
public sealed class SecuredMosquittoFixture : MosquittoFixture
{
    public const string AdminUser = "gateway";
    public const string AdminPassword = "gateway-secret";
    public const string DeviceUser = "device-1";
    public const string DevicePassword = "device-1-secret";

    protected override MosquittoOptions Options => new()
    {
        AllowAnonymous = false,
        Users = new Dictionary<string, string> { [AdminUser] = AdminPassword, [DeviceUser] = DevicePassword, ["device-2"] = "device-2-secret" },
        AclLines =
        [
            $"user {AdminUser}",
            "topic readwrite #",
            "",
            "pattern readwrite fleet/v1/s/+/%u/#",
            "pattern read fleet/v1/d/%u/#",
        ],
    };
}

/// <summary>Mosquitto with a TLS listener (server cert from a test CA); <see cref="Mutual"/> also requires client certificates.</summary>
public class TlsMosquittoFixture : MosquittoFixture
{
    public TestCertificates Certificates { get; } = TestCertificates.Create();

    protected virtual bool Mutual => false;

    protected override MosquittoOptions Options => new()
    {
        Tls = new MosquittoTlsOptions(Certificates.CaFile, Certificates.ServerCertFile, Certificates.ServerKeyFile,
            RequireClientCertificate: Mutual, UseIdentityAsUsername: Mutual),
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Certificates.Dispose();
    }
}

/// <summary>Mosquitto requiring a client certificate signed by the test CA (mutual TLS).</summary>
public sealed class MutualTlsMosquittoFixture : TlsMosquittoFixture
{
    protected override bool Mutual => true;
}
