using System.Net;

namespace Fleet.Gateway.Broker;

/// <summary>
/// A TLS listener on the managed broker for devices (<c>Fleet:BrokerTls</c>), next to the plain loopback listener
/// the gateway's own sessions use. Its server certificate is issued by the fleet CA (<c>{data}/ca/</c>), the CA
/// the device bundles carry, so a provisioned device verifies the broker with the <c>ca.crt</c> it already has.
/// </summary>
internal sealed record BrokerTlsOptions
{
    public bool Enabled { get; init; }

    /// <summary>The TLS port; 0 picks a free one (logged at start).</summary>
    public int Port { get; init; }

    /// <summary>The address the TLS listener binds; 0.0.0.0 to serve devices on the network.</summary>
    public string BindAddress { get; init; } = "127.0.0.1";

    /// <summary>Mutual TLS: only clients with a certificate from the fleet CA connect, their CN (the device id) becoming the MQTT username the ACL checks.</summary>
    public bool RequireClientCertificate { get; init; } = true;

    /// <summary>Host names and IP addresses devices use to reach the broker (the server certificate's names, besides localhost and 127.0.0.1).</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Port is < 0 or > 65535)
        {
            problems.Add($"Fleet:BrokerTls:Port {Port} is not a TCP port.");
        }

        if (!IPAddress.TryParse(BindAddress, out _))
        {
            problems.Add($"Fleet:BrokerTls:BindAddress '{BindAddress}' is not an IP address.");
        }

        foreach (var host in Hosts)
        {
            if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
            {
                problems.Add($"Fleet:BrokerTls:Hosts names '{host}', which is not a host name or IP address.");
            }
        }

        return problems;
    }
}
