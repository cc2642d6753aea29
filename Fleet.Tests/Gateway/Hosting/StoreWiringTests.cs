using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Gateway.Hosting;
using Fleet.Gateway.Store;
using Fleet.Shared.Servers;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Fleet.Gateway;

namespace Fleet.Tests.Gateway.Hosting;

[Collection(PostgresCollection.Name)]
public sealed class StoreWiringTests(PostgresFixture postgres)
{
    [Fact]
    public async Task DefaultStore_IsSqliteInTheDataDirectory()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var store = gateway.Services.GetRequiredService<FleetStoreService>().Store;
        Assert.Equal("sqlite", store.Schema.Dialect, ignoreCase: true);
        Assert.True(File.Exists(Path.Combine(gateway.DataDirectory, "fleet.db")));
    }

    [Fact]
    public async Task PostgresStore_HoldsTheTwins()
    {
        var schema = "gw_" + Guid.NewGuid().ToString("N")[..8];
        await using var gateway = await GatewayHost.StartAsync(
            "--Fleet:Store:Provider", FleetStoreOptions.Postgres, "--Fleet:Store:ConnectionString", postgres.ConnectionString, "--Fleet:Store:Schema", schema);
        var store = gateway.Services.GetRequiredService<FleetStoreService>().Store;
        Assert.Equal("postgresql", store.Schema.Dialect, ignoreCase: true);

        var port = gateway.Services.GetRequiredService<Fleet.Gateway.Broker.EmbeddedBroker>().Port;
        await using var device = await TestDevice.ConnectAsync(port, "pg-device-1");
        await device.ReportAsync(modelVersion: "5.0.0");
        using var reader = gateway.Client(gateway.ReaderToken);
        await Eventually.TrueAsync(async () => (await store.Twins.GetAsync("pg-device-1", CancellationToken.None))?.Reported?.ModelVersion == "5.0.0", "the report in PostgreSQL");
        var detail = await reader.GetFromJsonAsync<JsonElement>("/api/v1/devices/pg-device-1");
        Assert.Equal("5.0.0", detail.GetProperty("device").GetProperty("modelVersion").GetString());
    }

    [Fact]
    public async Task UnreachableStore_StopsStartUp_SayingWhichStore()
    {
        var closed = MosquittoBroker.FreeLoopbackPort();
        var data = Path.Combine(Path.GetTempPath(), "fleet-gw-" + Guid.NewGuid().ToString("N")[..8]);
        var (app, _) = GatewayApp.Create(["--urls", "http://127.0.0.1:0", "--Fleet:DataDirectory", data,
            "--Fleet:Store:Provider", FleetStoreOptions.Postgres, "--Fleet:Store:ConnectionString", $"Host=127.0.0.1;Port={closed};Username=postgres;Timeout=3"]);
        try
        {
            var error = await Assert.ThrowsAsync<GatewayStartupException>(() => app!.StartAsync());
            Assert.Contains("fleet store (postgresql", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await app!.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public void InvalidStoreOptions_AreRejectedBeforeStart()
    {
        var (app, problems) = GatewayApp.Create(["--Fleet:Store:Provider", "mysql", "--Fleet:DataDirectory", Path.GetTempPath()]);
        Assert.Null(app);
        Assert.Contains(problems, p => p.Contains("Fleet:Store:Provider", StringComparison.Ordinal));
    }
}
