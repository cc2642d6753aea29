using Fleet.Shared.Servers;
using Fleet.Tests.Infrastructure;
using Npgsql;

namespace Fleet.Tests.Servers;

[Collection(PostgresCollection.Name)]
public sealed class PostgresServerTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Fixture_ServesQueriesOnLoopback()
    {
        Assert.Equal("127.0.0.1", await ScalarAsync(fixture.ConnectionString, "select current_setting('listen_addresses')"));
        Assert.StartsWith("PostgreSQL", await ScalarAsync(fixture.ConnectionString, "select version()"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_OnTheSameDirectory_KeepsTheData_AndAThrowAwayDirectoryGoesOnDispose()
    {
        // What `./fleet demo --nodes N` relies on: its database outlives one demo run.
        var directory = Path.Combine(Path.GetTempPath(), "fleet-pg-restart-" + Guid.NewGuid().ToString("N")[..8]);
        await using (var first = await PostgresServer.StartAsync(directory))
        {
            await ScalarAsync(first.ConnectionString, "create table kept (v text); insert into kept values ('still here'); select 'ok'");
        }

        await using (var second = await PostgresServer.StartAsync(directory, deleteOnDispose: true))
        {
            Assert.Equal("still here", await ScalarAsync(second.ConnectionString, "select v from kept"));
        }

        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public async Task Start_OnAPortInUse_SaysWhichPortAndWhy()
    {
        var directory = Path.Combine(Path.GetTempPath(), "fleet-pg-busy-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PostgresServer.StartAsync(directory, fixture.Port));

            Assert.Contains($"127.0.0.1:{fixture.Port}", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<string> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
