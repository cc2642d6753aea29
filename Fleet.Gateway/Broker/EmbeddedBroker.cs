using Fleet.Shared.Security;
using Fleet.Shared.Servers;

namespace Fleet.Gateway.Broker;

/// <summary>
/// The gateway's broker connection settings: either an external broker from configuration, or a
/// managed Mosquitto child process on a free loopback port (the embedded default).
/// </summary>
internal sealed class EmbeddedBroker(GatewayOptions options, TimeProvider time, ILogger<EmbeddedBroker> logger) : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan MaxRestartDelay = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource _stopping = new();
    private MosquittoBroker? _broker;
    private Task _supervision = Task.CompletedTask;
    private string? _directory;
    private int _disposed;

    /// <summary>Host of the broker the gateway talks to.</summary>
    public string Host { get; private set; } = options.BrokerHost ?? "127.0.0.1";

    /// <summary>Port of the broker the gateway talks to.</summary>
    public int Port { get; private set; } = options.BrokerPort;

    /// <summary>Whether this gateway runs the broker itself.</summary>
    public bool IsManaged => _broker is not null;

    /// <summary>False while a managed broker is down (between its exit and its restart); an external one counts as running.</summary>
    public bool IsRunning => _broker?.IsRunning ?? true;

    /// <summary>The password and ACL files, when the managed broker authenticates clients (<c>Fleet:BrokerAuthentication</c>).</summary>
    public BrokerAuthFiles? AuthFiles { get; private set; }

    /// <summary>The user the gateway's own sessions log in as; null with an anonymous broker.</summary>
    public string? UserName => AuthFiles is null ? options.BrokerUser : BrokerAuthFiles.GatewayUser;

    public string? Password => AuthFiles?.GatewayPassword ?? options.BrokerPassword;

    /// <summary>The managed broker's TLS listener for devices (<c>Fleet:BrokerTls</c>); null when there is none.</summary>
    public int? TlsPort { get; private set; }

    /// <summary>Where devices reach the broker (the bundle's broker host).</summary>
    public string PublicHost => options.BrokerPublicHost ?? Host;

    /// <summary>Makes the managed broker re-read its password and ACL files (SIGHUP); false when there is none to signal.</summary>
    public bool Reload() => _broker?.Reload() ?? false;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.BrokerHost is not null)
        {
            GatewayLog.UsingExternalBroker(logger, Host, Port);
            return;
        }

        var directory = Path.Combine(Path.GetFullPath(options.DataDirectory), "broker");
        Directory.CreateDirectory(directory);
        await BrokerPidFile.ClaimAsync(directory, logger, cancellationToken).ConfigureAwait(false);
        _directory = directory;
        var brokerOptions = new MosquittoOptions { Port = options.BrokerPort, Persistence = true, WorkingDirectory = directory, DieWithParent = true };
        if (options.BrokerAuthentication)
        {
            AuthFiles = await BrokerAuthFiles.PrepareAsync(options.DataDirectory, cancellationToken).ConfigureAwait(false);
            brokerOptions = brokerOptions with
            {
                AllowAnonymous = false,
                ExtraConfig = [$"password_file {AuthFiles.PasswordFile}", $"acl_file {AuthFiles.AclFile}"],
            };
        }

        var tlsPort = 0;
        if (options.BrokerTls.Enabled)
        {
            tlsPort = options.BrokerTls.Port == 0 ? MosquittoBroker.FreeLoopbackPort() : options.BrokerTls.Port;
            brokerOptions = brokerOptions with { ExtraConfig = [.. brokerOptions.ExtraConfig, .. await TlsListenerAsync(directory, tlsPort, cancellationToken).ConfigureAwait(false)] };
        }

        _broker = await MosquittoBroker.StartAsync(brokerOptions, cancellationToken).ConfigureAwait(false);
        Host = _broker.Host;
        Port = _broker.Port;
        await BrokerPidFile.WriteAsync(directory, _broker.ProcessId ?? 0, cancellationToken).ConfigureAwait(false);
        GatewayLog.ManagedBrokerStarted(logger, Host, Port, _broker.LogFile);
        _supervision = SuperviseAsync(_broker, directory, _stopping.Token);
        if (options.BrokerTls.Enabled)
        {
            TlsPort = tlsPort;
            GatewayLog.BrokerTlsListening(logger, options.BrokerTls.BindAddress, tlsPort, options.BrokerTls.RequireClientCertificate);
        }
    }

    /// <summary>
    /// The second listener's configuration (Mosquitto applies cafile/certfile/keyfile/require_certificate to the
    /// listener above them; authentication and ACLs stay global). A fresh server certificate from the fleet CA is
    /// written at every start, so changed <see cref="BrokerTlsOptions.Hosts"/> take effect on restart.
    /// </summary>
    private async Task<string[]> TlsListenerAsync(string brokerDirectory, int port, CancellationToken cancellationToken)
    {
        var tls = options.BrokerTls;
        using var ca = FleetCertificateAuthority.LoadOrCreate(options.Secrets, time);
        List<string> names = ["localhost", "127.0.0.1", .. tls.Hosts];
        if (options.BrokerPublicHost is { } publicHost)
        {
            names.Add(publicHost);
        }

        var (certificate, key) = ca.IssueServer(names);
        var directory = Path.Combine(Path.GetFullPath(brokerDirectory), "tls");
        Directory.CreateDirectory(directory);
        var certificateFile = Path.Combine(directory, "server.crt.pem");
        var keyFile = Path.Combine(directory, "server.key.pem");
        await File.WriteAllTextAsync(certificateFile, certificate, cancellationToken).ConfigureAwait(false);
        await PrivateFile.WriteAsync(keyFile, key, cancellationToken).ConfigureAwait(false);
        return
        [
            $"listener {port} {tls.BindAddress}",
            $"cafile {FleetCertificateAuthority.CertificatePath(options.Secrets)}",
            $"certfile {certificateFile}",
            $"keyfile {keyFile}",
            $"require_certificate {(tls.RequireClientCertificate ? "true" : "false")}",
            $"use_identity_as_username {(tls.RequireClientCertificate ? "true" : "false")}",
        ];
    }

    /// <summary>
    /// Restarts the managed broker whenever it exits on its own, on the same port and persistence, with a doubling
    /// delay (1 s … 30 s) while restarts fail; the shard sessions reconnect and readiness is degraded meanwhile.
    /// </summary>
    private async Task SuperviseAsync(MosquittoBroker broker, string directory, CancellationToken stopping)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await broker.WaitForExitAsync(stopping).ConfigureAwait(false);
                GatewayLog.ManagedBrokerExited(logger, broker.LogFile, delay);
                await Task.Delay(delay, time, stopping).ConfigureAwait(false);
                await broker.RestartAsync(stopping).ConfigureAwait(false);
                await BrokerPidFile.WriteAsync(directory, broker.ProcessId ?? 0, stopping).ConfigureAwait(false);
                GatewayLog.ManagedBrokerRestarted(logger, broker.Host, broker.Port);
                delay = TimeSpan.FromSeconds(1);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (MosquittoUnavailableException ex)
            {
                GatewayLog.ManagedBrokerRestartFailed(logger, ex.Message);
                delay = delay * 2 > MaxRestartDelay ? MaxRestartDelay : delay * 2;
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _supervision.ConfigureAwait(false);
        if (_broker is not null)
        {
            await _broker.StopAsync().ConfigureAwait(false);
            if (_directory is not null)
            {
                BrokerPidFile.Delete(_directory);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Registered both as a singleton and as a hosted service: the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _supervision.ConfigureAwait(false);
        if (_broker is not null)
        {
            await _broker.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }
}
