using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Gateway.Broker;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Tests.Gateway.Infrastructure;

/// <summary>One real gateway (managed Mosquitto, SQLite store) shared by a test class; tests use distinct device ids.</summary>
public class GatewayFixture : IAsyncLifetime
{
    public GatewayHost Host { get; private set; } = null!;

    public int BrokerPort => Host.Services.GetRequiredService<EmbeddedBroker>().Port;

    public HttpClient Operator { get; private set; } = null!;

    public HttpClient Reader { get; private set; } = null!;

    /// <summary>More gateway settings (a derived fixture runs the same tests on another configuration).</summary>
    protected virtual string[] ExtraArgs => [];

    public async Task InitializeAsync()
    {
        // A small incident policy so 20 simulated devices are plenty; supervision as shipped.
        Host = await GatewayHost.StartAsync(["--Fleet:Incidents:MinDevices", "10", "--Fleet:Incidents:Share", "0.5", .. ExtraArgs]);
        Operator = Host.Client(Host.OperatorToken);
        Reader = Host.Client(Host.ReaderToken);
    }

    public async Task DisposeAsync()
    {
        Operator.Dispose();
        Reader.Dispose();
        await Host.DisposeAsync();
    }

    /// <summary>The device's detail once it satisfies <paramref name="condition"/>.</summary>
    internal async Task<JsonElement> DeviceWhenAsync(string id, Func<JsonElement, bool> condition, string what)
    {
        var found = await Eventually.ValueAsync<string>(async () =>
        {
            var response = await Reader.GetAsync($"/api/v1/devices/{id}");
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return condition(body) ? body.GetRawText() : null;
        }, what);
        return JsonDocument.Parse(found).RootElement;
    }

    /// <summary>Registers a model version: the reference safety model packaged as <paramref name="id"/> <paramref name="version"/> (the gateway validates every upload in ONNX Runtime).</summary>
    internal Task PushModelAsync(string id, string version, string? parent = null) => PushModelAsync(Operator, id, version, parent);

    /// <summary>The same through any gateway's operator client.</summary>
    internal static async Task PushModelAsync(HttpClient operatorClient, string id, string version, string? parent = null)
    {
        var package = Fleet.Shared.Models.Packaging.ModelPackage.FromReference(Fleet.Shared.Models.ReferenceModels.Build().Safety, id, version, parent);
        var bytes = Fleet.Shared.Models.Packaging.ModelPackageWriter.Write(package);
        var response = await operatorClient.PutAsync($"/api/v1/models/{id}/{version}" + (parent is null ? "" : "?parent=" + parent), new ByteArrayContent(bytes));
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }
}

/// <summary>A <see cref="GatewayFixture"/> whose actor system serializes every message it sends (<see cref="TestAkka.SerializeMessages"/>).</summary>
public sealed class SerializingGatewayFixture : GatewayFixture
{
    protected override string[] ExtraArgs => ["--Fleet:Cluster:Hocon", TestAkka.SerializeMessages];
}
