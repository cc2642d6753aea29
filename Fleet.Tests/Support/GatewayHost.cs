using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Headers;

using Fleet.Gateway.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Fleet.Gateway.Store;
using Fleet.Gateway;

namespace Fleet.Tests.Infrastructure;

/// <summary>A real gateway (Kestrel on a free loopback port, managed Mosquitto, temp data dir) for integration tests.</summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private GatewayHost(WebApplication app, string dataDirectory, Uri baseAddress)
    {
        _app = app;
        DataDirectory = dataDirectory;
        BaseAddress = baseAddress;
        var secrets = app.Services.GetRequiredService<GatewayOptions>().Secrets;
        var credentials = Fleet.Shared.Security.CredentialsFile.Read(Path.Combine(secrets, Fleet.Shared.Security.CredentialsFile.FileName));
        OperatorToken = credentials["operator"];
        ReaderToken = credentials["reader"];
    }

    public string DataDirectory { get; }

    public Uri BaseAddress { get; }

    public string OperatorToken { get; }

    public string ReaderToken { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Leave the data directory behind on dispose, so another gateway can start on it (restart tests).</summary>
    public bool KeepDataDirectory { get; set; }

    public static Task<GatewayHost> StartAsync(params string[] extraArgs) =>
        StartInAsync(Path.Combine(Path.GetTempPath(), "fleet-gw-" + Guid.NewGuid().ToString("N")[..8]), extraArgs);

    /// <summary>Starts a gateway on a given data directory (e.g. one prepared with another gateway's tokens).</summary>
    public static Task<GatewayHost> StartInAsync(string dataDirectory, params string[] extraArgs) =>
        StartInAsync(dataDirectory, null, extraArgs);

    /// <summary>Starts a gateway whose services are adjusted after its own registrations (a fake clock, a store decorator).</summary>
    public static Task<GatewayHost> StartWithAsync(Action<IServiceCollection> configureServices, params string[] extraArgs) =>
        StartInAsync(Path.Combine(Path.GetTempPath(), "fleet-gw-" + Guid.NewGuid().ToString("N")[..8]), configureServices, extraArgs);

    private static async Task<GatewayHost> StartInAsync(string dataDirectory, Action<IServiceCollection>? configureServices, string[] extraArgs)
    {
        var (app, problems) = GatewayApp.Create(["--urls", "http://127.0.0.1:0", "--Fleet:DataDirectory", dataDirectory, "--Fleet:Cluster:Hocon", TestAkka.FastSingleNode, .. extraArgs], configureServices);
        if (app is null)
        {
            throw new InvalidOperationException("gateway configuration rejected: " + string.Join("; ", problems));
        }

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GatewayHost(app, dataDirectory, new Uri(address));
    }

    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>Stops the gateway but keeps its data directory, so another can start on it (a restart).</summary>
    public async Task StopKeepingDataAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopKeepingDataAsync();
        if (KeepDataDirectory)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the broker's last flush; the temp dir is harmless.
        }
    }
}
