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
    /// <summary>How long after the last of a burst of provisionings the broker is told once more to reload.</summary>
    private static readonly TimeSpan TrailingReload = TimeSpan.FromSeconds(1);

    private readonly Lazy<FleetCertificateAuthority> _ca = new(() => FleetCertificateAuthority.LoadOrCreate(options.Secrets, time));

    // Mosquitto drops a SIGHUP that arrives while it is reloading (it clears its reload flag after the reload), so in a
    // burst of provisionings the last password could stay unknown to it until the next one: the demo's 50th device
    // was refused for its whole run. A reload once the burst is over picks up every password written.
    private readonly ITimer _trailingReload = time.CreateTimer(_ => broker.Reload(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

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

        var config = new DeviceConfig(deviceId, broker.PublicHost, broker.Port, options.ShardCount, DeviceBundle.FleetKeyFileName);
        var files = new Dictionary<string, string>(StringComparer.Ordinal) { [DeviceBundle.FleetKeyFileName] = registry.PublicKeyPem };
        var warnings = new List<string>();
        if (certificate)
        {
            var (certificatePem, keyPem) = _ca.Value.Issue(deviceId);
            (files["client.crt"], files["client.key"]) = (certificatePem, keyPem);
            config = config with { ClientCertificate = "client.crt", ClientKey = "client.key" };
        }
        else if (auth is not null)
        {
            var password = BrokerAuthFiles.NewPassword();
            await auth.SetPasswordAsync(deviceId, password, cancellationToken).ConfigureAwait(false);
            broker.Reload();
            _trailingReload.Change(TrailingReload, Timeout.InfiniteTimeSpan);
            GatewayLog.BrokerReloaded(logger, 1);
            config = config with { Username = deviceId, Password = password };
        }

        // The TLS listener is where devices on other machines connect (the plain one is the gateway's, on loopback):
        // a certificate always goes there, a password too when that listener does not demand certificates.
        if (broker.TlsPort is { } tlsPort && (certificate || !options.BrokerTls.RequireClientCertificate))
        {
            files["ca.crt"] = _ca.Value.CertificatePem;
            config = config with { BrokerPort = tlsPort, Tls = true, CaFile = "ca.crt" };
        }
        else if (certificate)
        {
            files["ca.crt"] = _ca.Value.CertificatePem;
            config = config with { Tls = true, CaFile = "ca.crt" };
            warnings.Add($"the managed broker has no TLS listener (Fleet:BrokerTls:Enabled), so device.json names its plain port {broker.Port}, where a certificate cannot log in: enable the listener, or point brokerHost and brokerPort at a broker doing mutual TLS with the fleet CA");
        }

        if (broker.IsManaged && config.Tls != true)
        {
            warnings.Add($"device.json names the managed broker's plain listener {broker.Host}:{broker.Port}, which listens on this machine's loopback only{(options.BrokerPort == 0 ? " and whose port changes at a restart" : "")}: for devices elsewhere start the gateway with its TLS listener (--Fleet:BrokerTls:Enabled true --Fleet:BrokerTls:Port 8883 --Fleet:BrokerTls:BindAddress 0.0.0.0 --Fleet:BrokerPublicHost NAME) and provision again (see provisioning/raspberry-pi.md)");
        }
        else if (config.BrokerHost is "127.0.0.1" or "localhost" or "::1")
        {
            warnings.Add($"device.json names the broker {config.BrokerHost}:{config.BrokerPort}, reachable only from the gateway's machine: start the gateway with --Fleet:BrokerPublicHost NAME (an address devices reach) for devices elsewhere");
        }

        var credentials = certificate ? "certificate" : auth is null ? "none" : "password";
        await store.Store.Audit.AppendAsync(actor, rotate && !added ? "device.reprovision" : "device.provision", deviceId,
            JsonSerializer.Serialize(new Dictionary<string, string> { ["credentials"] = credentials }), cancellationToken).ConfigureAwait(false);
        var bundle = new DeviceBundle(deviceId, shard, credentials, urls.BaseUrl, config, files, warnings);
        return (ProvisionStatus.Provisioned, bundle);
    }

    public void Dispose()
    {
        _trailingReload.Dispose();
        if (_ca.IsValueCreated)
        {
            _ca.Value.Dispose();
        }
    }
}
