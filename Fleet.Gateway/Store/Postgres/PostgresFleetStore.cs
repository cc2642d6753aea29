using System.Text.RegularExpressions;
using Fleet.Gateway.Store.Sql;
using Npgsql;

namespace Fleet.Gateway.Store.Postgres;

/// <summary>The scale-out store: gateway nodes share one PostgreSQL schema, with Npgsql's connection pool per node.</summary>
internal sealed partial class PostgresFleetStore : SqlFleetStore
{
    private PostgresFleetStore(PostgresDialect dialect, TimeProvider timeProvider, SchemaInfo schema)
        : base(dialect, timeProvider, schema)
    {
    }

    /// <summary>Connects, creates the schema when missing and applies pending migrations (one node at a time).</summary>
    public static async Task<PostgresFleetStore> OpenAsync(PostgresStoreOptions options, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ConnectionString, nameof(options));
        if (!SchemaName().IsMatch(options.Schema))
        {
            throw new ArgumentException($"schema '{options.Schema}' must be lowercase letters, digits and underscores, starting with a letter or underscore", nameof(options));
        }

        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        builder.ConnectionStringBuilder.SearchPath = options.Schema;
        var dialect = new PostgresDialect(builder.Build(), options.Schema);
        var schema = await MigrateAsync(dialect, timeProvider, options.TargetSchemaVersion, cancellationToken).ConfigureAwait(false);
        return new PostgresFleetStore(dialect, timeProvider, schema);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
