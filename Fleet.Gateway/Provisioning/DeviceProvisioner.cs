using System.Text.Json;
using Fleet.Gateway.Broker;
using Fleet.Gateway.Store.Devices;
using Fleet.Shared.Protocol;
using Fleet.Gateway.Registry;
using Fleet.Gateway.Store;

namespace Fleet.Gateway.Provisioning;

/// <summary>
/// Creates a device's identity: registers it, gives it a broker password (hashed into the managed broker's
/// password file, which Mosquitto re-reads on SIGHUP; the static ACL confines it to its own topics) and
/// returns the bundle the device boots from.
/// </summary>
internal sealed class DeviceProvisioner(GatewayOptions options, EmbeddedBroker broker, FleetStoreService store, ModelRegistry registry, GatewayUrls urls, TimeProvider time, ILogger<DeviceProvisioner> logger) : IDisposable
{
    private readonly Lazy<FleetCertificateAuthority> _ca = new(() => FleetCertificateAuthority.LoadOrCreate(options.Secrets, time));

    /// <summary>Provisions with a broker password, or with a client certificate from the fleet CA when <paramref name="certificate"/>.</summary>
    public async Task<(ProvisionStatus Status, DeviceBundle? Bundle)> ProvisionAsync(string deviceId, bool rotate, bool certificate, string actor, CancellationToken cancellationToken)
    {
        DeviceId.ThrowIfInvalid(deviceId);
        if (deviceId == BrokerAuthFiles.GatewayUser)
        {
            throw new ArgumentException($"'{deviceId}' is the gateway's own broker user", nameof(deviceId));
        }

        var shard = Sharding.ShardOf(deviceId, options.ShardCount);
        var auth = broker.AuthFiles;
        var kind = certificate ? CredentialKind.Certificate : auth is null ? CredentialKind.None : CredentialKind.Password;
        var added = await store.Store.Devices.TryAddAsync(new DeviceRegistration(deviceId, shard, kind), cancellationToken).ConfigureAwait(false);
        if (!added && !rotate)
        {
            return (ProvisionStatus.AlreadyProvisioned, null);
        }

        BundleCredentials? credentials = null;
        if (certificate)
        {
            var (certificatePem, keyPem) = _ca.Value.Issue(deviceId);
            credentials = new BundleCredentials("certificate", deviceId, null, certificatePem, keyPem, _ca.Value.CertificatePem);
        }
        else if (auth is not null)
        {
            var password = BrokerAuthFiles.NewPassword();
            await auth.SetPasswordAsync(deviceId, password, cancellationToken).ConfigureAwait(false);
            broker.Reload();
            GatewayLog.BrokerReloaded(logger, 1);
            credentials = new BundleCredentials("password", deviceId, password);
        }

        await store.Store.Audit.AppendAsync(actor, rotate && !added ? "device.reprovision" : "device.provision", deviceId,
            JsonSerializer.Serialize(new Dictionary<string, string> { ["credentials"] = credentials?.Kind ?? "none" }), cancellationToken).ConfigureAwait(false);
        // A certificate is for the TLS listener when the managed broker has one; a password works on either.
        var endpoint = certificate && broker.TlsPort is { } tlsPort
            ? new BundleBroker(broker.PublicHost, tlsPort, Tls: true)
            : new BundleBroker(broker.PublicHost, broker.Port);
        var bundle = new DeviceBundle(1, deviceId, shard, options.ShardCount, endpoint, credentials, urls.BaseUrl, registry.PublicKeyPem);
        return (ProvisionStatus.Provisioned, bundle);
    }

    public void Dispose()
    {
        if (_ca.IsValueCreated)
        {
            _ca.Value.Dispose();
        }
    }
}
