using Fleet.Gateway.Store;
using Fleet.Shared.Servers;

namespace Fleet.Tests.Infrastructure;

/// <summary>
/// Two in-process gateway nodes forming one cluster on loopback: one PostgreSQL schema, one external broker, one
/// secrets directory, node 0 the seed (KeepOldest, as for exactly two nodes).
/// </summary>
public sealed class GatewayPair : IAsyncDisposable
{
    private readonly string _secrets;

    private GatewayPair(string secrets, GatewayHost first, GatewayHost second)
    {
        _secrets = secrets;
        First = first;
        Second = second;
    }

    public GatewayHost First { get; }

    public GatewayHost Second { get; }

    public IReadOnlyList<GatewayHost> Nodes => [First, Second];

    public static async Task<GatewayPair> StartAsync(string postgres, MosquittoBroker broker)
    {
        var secrets = Path.Combine(Path.GetTempPath(), "fleet-secrets-" + Guid.NewGuid().ToString("N")[..8]);
        var schema = "pair_" + Guid.NewGuid().ToString("N")[..8];
        var ports = new[] { MosquittoBroker.FreeLoopbackPort(), MosquittoBroker.FreeLoopbackPort() };
        string[] Args(int port) =>
        [
            "--Fleet:Store:Provider", FleetStoreOptions.Postgres, "--Fleet:Store:ConnectionString", postgres, "--Fleet:Store:Schema", schema,
            "--Fleet:BrokerHost", broker.Host, "--Fleet:BrokerPort", broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--Fleet:SecretsDirectory", secrets,
            "--Fleet:Cluster:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--Fleet:Cluster:SeedNodes:0", $"akka.tcp://fleet-gateway@127.0.0.1:{ports[0]}",
            "--Fleet:Cluster:SplitBrain", "KeepOldest",
        ];

        var first = await GatewayHost.StartAsync(Args(ports[0]));
        try
        {
            var second = await GatewayHost.StartAsync(Args(ports[1]));
            return new GatewayPair(secrets, first, second);
        }
        catch
        {
            await first.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Second.DisposeAsync();
        await First.DisposeAsync();
        try
        {
            Directory.Delete(_secrets, recursive: true);
        }
        catch (IOException)
        {
            // Harmless in the temp directory.
        }
    }
}
