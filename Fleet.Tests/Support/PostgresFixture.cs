using Fleet.Shared.Servers;

namespace Fleet.Tests.Infrastructure;

/// <summary>The collection every test that needs PostgreSQL belongs to, so one server serves them all.</summary>
[CollectionDefinition(PostgresCollection.Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}

/// <summary>
/// A real PostgreSQL server (<see cref="PostgresServer"/>: initdb into a temp directory, pg_ctl on a free loopback port).
/// One server per test run: tests opt in with <c>[Collection(PostgresCollection.Name)]</c> and take the fixture in their
/// constructor; each test works in its own schema. Fails loudly when it cannot start.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    public int Port => Server.Port;

    /// <summary>Npgsql connection string to the <c>postgres</c> database as superuser <c>postgres</c>.</summary>
    public string ConnectionString => Server.ConnectionString;

    private PostgresServer Server => _server ?? throw new InvalidOperationException("the PostgreSQL fixture has not started");

    public async Task InitializeAsync() =>
        _server = await PostgresServer.StartAsync(Path.Combine(Path.GetTempPath(), "fleet-pg-" + Guid.NewGuid().ToString("N")[..8]), deleteOnDispose: true);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
