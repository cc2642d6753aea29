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

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.BrokerHost is not null)
        {
            GatewayLog.UsingExternalBroker(logger, Host, Port);
            return;
        }

        var directory = Path.Combine(options.DataDirectory, "broker");
        Directory.CreateDirectory(directory);
        _broker = await MosquittoBroker.StartAsync(
            new MosquittoOptions { Port = options.BrokerPort, Persistence = true, WorkingDirectory = directory },
            cancellationToken).ConfigureAwait(false);
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
