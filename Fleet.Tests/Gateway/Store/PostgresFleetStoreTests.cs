using Fleet.Gateway.Store;
using Fleet.Gateway.Store.Postgres;
using Fleet.Tests.Infrastructure;
using Npgsql;

namespace Fleet.Tests.Gateway.Store;

/// <summary>The conformance suite on a real PostgreSQL server: a fresh schema per test, dropped afterwards.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresFleetStoreTests(PostgresFixture postgres) : FleetStoreConformanceTests
{
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..12];
    private readonly HashSet<string> _schemas = [];

    private protected override int LatestSchemaVersion => 10;

    private protected override async Task<IFleetStore> OpenAsync(string database, int? targetSchemaVersion = null) =>
        await PostgresFleetStore.OpenAsync(
            new PostgresStoreOptions(postgres.ConnectionString) { Schema = SchemaOf(database), TargetSchemaVersion = targetSchemaVersion },
            Clock,
            CancellationToken.None);

    private protected override async Task<int> ExecuteRawAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SET search_path TO {SchemaOf("main")}; {sql}", connection);
        return await command.ExecuteNonQueryAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        foreach (var schema in _schemas)
        {
            await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task Open_WithASchemaNameThatIsNotAnIdentifier_ThrowsArgumentException() =>
        await Assert.ThrowsAnyAsync<ArgumentException>(() => PostgresFleetStore.OpenAsync(
            new PostgresStoreOptions(postgres.ConnectionString) { Schema = "fleet\"; DROP TABLE x; --" }, Clock, CancellationToken.None));

    private string SchemaOf(string database)
    {
        var schema = $"{_prefix}_{database}";
        lock (_schemas)
        {
            _schemas.Add(schema);
        }

        return schema;
    }
}
