using Fleet.Gateway.Provisioning;
using Fleet.Shared.Servers;

namespace Fleet.Gateway.Broker;

/// <summary>
/// The gateway's broker connection settings: either an external broker from configuration, or a
/// managed Mosquitto child process on a free loopback port (the embedded default).
/// </summary>
internal sealed class EmbeddedBroker(GatewayOptions options, ILogger<EmbeddedBroker> logger) : IHostedService, IAsyncDisposable
{
    private MosquittoBroker? _broker;

    /// <summary>Host of the broker the gateway talks to.</summary>
    public string Host { get; private set; } = options.BrokerHost ?? "127.0.0.1";

    /// <summary>Port of the broker the gateway talks to.</summary>
    public int Port { get; private set; } = options.BrokerPort;

    /// <summary>Whether this gateway runs the broker itself.</summary>
    public bool IsManaged => _broker is not null;

    /// <summary>The password and ACL files, when the managed broker authenticates clients (<c>Fleet:BrokerAuthentication</c>).</summary>
    public BrokerAuthFiles? AuthFiles { get; private set; }

    /// <summary>The user the gateway's own sessions log in as; null with an anonymous broker.</summary>
    public string? UserName => AuthFiles is null ? options.BrokerUser : BrokerAuthFiles.GatewayUser;

    public string? Password => AuthFiles?.GatewayPassword ?? options.BrokerPassword;

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

        var directory = Path.Combine(options.DataDirectory, "broker");
        Directory.CreateDirectory(directory);
        var brokerOptions = new MosquittoOptions { Port = options.BrokerPort, Persistence = true, WorkingDirectory = directory };
        if (options.BrokerAuthentication)
        {
            AuthFiles = await BrokerAuthFiles.PrepareAsync(options.DataDirectory, cancellationToken).ConfigureAwait(false);
            brokerOptions = brokerOptions with
            {
                AllowAnonymous = false,
                ExtraConfig = [$"password_file {AuthFiles.PasswordFile}", $"acl_file {AuthFiles.AclFile}"],
            };
        }

        _broker = await MosquittoBroker.StartAsync(brokerOptions, cancellationToken).ConfigureAwait(false);
        Host = _broker.Host;
        Port = _broker.Port;
        GatewayLog.ManagedBrokerStarted(logger, Host, Port, _broker.LogFile);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_broker is not null)
        {
            await _broker.StopAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync().ConfigureAwait(false);
        }
    }
}
