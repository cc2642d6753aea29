using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Infrastructure;

namespace Fleet.Tests.Gateway.Rollouts;

/// <summary>
/// A real gateway (SQLite) on an external real Mosquitto, so the gateway can be restarted on its data directory while
/// devices stay connected to the same broker. The rollout manager ticks fast; each test uses its own model id.
/// </summary>
public class RolloutGatewayFixture : MosquittoFixture
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "fleet-ro-" + Guid.NewGuid().ToString("N")[..8]);

    public GatewayHost Node { get; private set; } = null!;

    public HttpClient Operator { get; private set; } = null!;

    public HttpClient Reader { get; private set; } = null!;

    /// <summary>More gateway settings (a derived fixture runs the same tests on another configuration).</summary>
    protected virtual string[] ExtraArgs => [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await StartGatewayAsync();
    }

    private async Task StartGatewayAsync()
    {
        Node = await GatewayHost.StartInAsync(_data, [
            "--Fleet:BrokerHost", Host, "--Fleet:BrokerPort", Port.ToString(CultureInfo.InvariantCulture),
            "--Fleet:Rollouts:TickInterval", "00:00:00.100",
            "--Fleet:Incidents:MinDevices", "1000", .. ExtraArgs]);
        Operator = Node.Client(Node.OperatorToken);
        Reader = Node.Client(Node.ReaderToken);
    }

    /// <summary>Stops the gateway and starts a new one on the same data directory and broker.</summary>
    public async Task RestartGatewayAsync()
    {
        Operator.Dispose();
        Reader.Dispose();
        await Node.StopKeepingDataAsync();
        await StartGatewayAsync();
    }

    public override async Task DisposeAsync()
    {
        Operator.Dispose();
        Reader.Dispose();
        await Node.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>Registers a model version (the reference safety model; test devices do not download it).</summary>
    internal Task PushModelAsync(string id, string version) => Infrastructure.GatewayFixture.PushModelAsync(Operator, id, version);

    internal async Task<JsonElement> RolloutAsync(string id) => await Reader.GetFromJsonAsync<JsonElement>($"/api/v1/rollouts/{id}");

    /// <summary>The rollout once it satisfies <paramref name="condition"/>.</summary>
    internal async Task<JsonElement> RolloutWhenAsync(string id, Func<JsonElement, bool> condition, string what, TimeSpan? timeout = null)
    {
        string? last = null;
        try
        {
            var found = await Eventually.ValueAsync<string>(async () =>
            {
                var response = await Reader.GetAsync($"/api/v1/rollouts/{id}");
                last = await response.Content.ReadAsStringAsync();
                return response.IsSuccessStatusCode && condition(JsonDocument.Parse(last).RootElement) ? last : null;
            }, what, timeout);
            return JsonDocument.Parse(found).RootElement;
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nlast: {last}", ex);
        }
    }
}

/// <summary>A <see cref="RolloutGatewayFixture"/> whose actor system serializes every message it sends (<see cref="TestAkka.SerializeMessages"/>).</summary>
public sealed class SerializingRolloutGatewayFixture : RolloutGatewayFixture
{
    protected override string[] ExtraArgs => ["--Fleet:Cluster:Hocon", TestAkka.SerializeMessages];
}
