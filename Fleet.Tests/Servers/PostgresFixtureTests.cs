using Fleet.Tests.Infrastructure;
using Npgsql;

namespace Fleet.Tests.Servers;

[Collection(PostgresCollection.Name)]
public sealed class PostgresFixtureTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Start_ServesQueriesOnLoopback()
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select current_setting('listen_addresses'), version()", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("127.0.0.1", reader.GetString(0));
        Assert.StartsWith("PostgreSQL", reader.GetString(1), StringComparison.Ordinal);
    }
}
