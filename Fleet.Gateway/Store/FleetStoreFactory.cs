using Fleet.Gateway.Store.Postgres;
using Fleet.Gateway.Store.Sqlite;

namespace Fleet.Gateway.Store;

/// <summary>Opens the store the options name, migrated to the newest schema.</summary>
internal static class FleetStoreFactory
{
    public static async Task<IFleetStore> OpenAsync(FleetStoreOptions options, string dataDirectory, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        return options.Provider == FleetStoreOptions.Postgres
            ? await PostgresFleetStore.OpenAsync(new PostgresStoreOptions(options.ConnectionString!) { Schema = options.Schema }, timeProvider, cancellationToken).ConfigureAwait(false)
            : await SqliteFleetStore.OpenAsync(
                options.ConnectionString is { Length: > 0 } path ? new SqliteStoreOptions(path) : SqliteStoreOptions.InDataDirectory(dataDirectory),
                timeProvider,
                cancellationToken).ConfigureAwait(false);
    }
}
