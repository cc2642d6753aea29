namespace Fleet.Shared.Servers;

/// <summary>How a managed Mosquitto broker is configured.</summary>
/// <remarks>
/// Mosquitto 2.x listens nowhere and refuses anonymous clients unless told otherwise, so every
/// generated config names an explicit loopback listener and its authentication mode.
/// </remarks>
public sealed record MosquittoOptions
{
    /// <summary>Port to listen on; 0 picks a free loopback port.</summary>
    public int Port { get; init; }

    /// <summary>Address of the listener. Tests and the embedded gateway only ever use loopback.</summary>
    public string BindAddress { get; init; } = "127.0.0.1";

    /// <summary>Allow clients without credentials.</summary>
    public bool AllowAnonymous { get; init; } = true;

    /// <summary>Users written to a password file (plain passwords are hashed by mosquitto_passwd).</summary>
    public IReadOnlyDictionary<string, string> Users { get; init; } = new Dictionary<string, string>();

    /// <summary>Lines of a Mosquitto ACL file (<c>user …</c>, <c>topic …</c>, <c>pattern …</c>); empty means no ACL.</summary>
    public IReadOnlyList<string> AclLines { get; init; } = [];

    /// <summary>TLS settings; null for plain TCP.</summary>
    public MosquittoTlsOptions? Tls { get; init; }

    /// <summary>Keep sessions and retained messages on disk in the working directory.</summary>
    public bool Persistence { get; init; }

    /// <summary>
    /// Per-client queue for offline persistent sessions. Mosquitto's default (1000) drops excess QoS 1/2
    /// messages, far too low for the gateway's shard sessions.
    /// </summary>
    public int MaxQueuedMessages { get; init; } = 1_000_000;

    /// <summary>Extra raw configuration lines appended to the generated file.</summary>
    public IReadOnlyList<string> ExtraConfig { get; init; } = [];

    /// <summary>
    /// The broker dies with the process that started it (Linux parent-death signal through <c>setpriv --pdeathsig KILL</c>,
    /// when setpriv is installed), so a killed owner leaves no orphan broker behind.
    /// </summary>
    public bool DieWithParent { get; init; }

    /// <summary>Directory for config, logs and persistence; null creates a temporary one that is deleted on dispose.</summary>
    public string? WorkingDirectory { get; init; }
}

/// <summary>PEM files for a TLS listener.</summary>
/// <param name="CaFile">CA that signed the server certificate (and client certificates for mutual TLS).</param>
/// <param name="CertFile">Server certificate.</param>
/// <param name="KeyFile">Server private key.</param>
/// <param name="RequireClientCertificate">Mutual TLS: refuse clients without a certificate signed by <paramref name="CaFile"/>.</param>
/// <param name="UseIdentityAsUsername">Use the client certificate's CN as the MQTT username (for ACLs).</param>
public sealed record MosquittoTlsOptions(
    string CaFile,
    string CertFile,
    string KeyFile,
    bool RequireClientCertificate = false,
    bool UseIdentityAsUsername = false);
