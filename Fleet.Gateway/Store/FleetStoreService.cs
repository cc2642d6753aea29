using Fleet.Gateway.Store;
using Fleet.Shared.Diagnostics;

namespace Fleet.Gateway.Store;

/// <summary>Opens the fleet store when the gateway starts (migrating it) and closes it last.</summary>
internal sealed class FleetStoreService(GatewayOptions options, TimeProvider timeProvider, ILogger<FleetStoreService> logger, IEnumerable<FleetStoreDecorator> decorators) : IHostedService, IAsyncDisposable
{
    private IFleetStore? _store;

    /// <summary>The open store; only valid once the gateway has started.</summary>
    public IFleetStore Store => _store ?? throw new InvalidOperationException("the fleet store is not open yet");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var where = options.Store.Provider == FleetStoreOptions.Postgres
            ? "postgresql (schema " + options.Store.Schema + ")"
            : "sqlite at " + (options.Store.ConnectionString ?? Path.Combine(options.DataDirectory, "fleet.db"));
        try
        {
            Directory.CreateDirectory(options.DataDirectory);
            _store = await FleetStoreFactory.OpenAsync(options.Store, options.DataDirectory, timeProvider, cancellationToken).ConfigureAwait(false);
            foreach (var decorate in decorators)
            {
                _store = decorate(_store);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !ex.IsFatal())
        {
            throw new GatewayStartupException($"the fleet store ({where}) could not be opened: {ex.Message}", ex);
        }

        GatewayLog.StoreOpened(logger, where, _store.Schema.Version);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync().ConfigureAwait(false);
        }
    }
}
