using System.Net;
using System.Text.Json;
using Fleet.Device.Configuration;
using Fleet.Gateway.Broker;
using Fleet.Shared.Messaging;
using Fleet.Shared.Protocol;
using Fleet.Shared.Servers;
using Fleet.Tests.Cli;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Tests.Gateway.Provisioning;

/// <summary>A gateway whose managed broker authenticates: provisioning is the only way in.</summary>
public sealed class ProvisioningTests : IAsyncLifetime
{
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayHost.StartAsync("--Fleet:BrokerAuthentication", "true");

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task ProvisionedDevice_ConnectsWithItsBundle_AndIsConfinedToItsOwnTopics()
    {
        var port = _gateway.Services.GetRequiredService<EmbeddedBroker>().Port;
        var bundleDirectory = Path.Combine(_gateway.DataDirectory, "bundle-pi-7");
        var run = await CliRunner.RunAsync(["devices", "provision", "pi-7", "--out", bundleDirectory, "--url", _gateway.BaseAddress.ToString(), "--token", _gateway.OperatorToken]);
        Assert.True(run.ExitCode == 0, run.Error);

        var bundlePath = Path.Combine(bundleDirectory, "device.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(bundlePath));
        var bundle = JsonDocument.Parse(await File.ReadAllTextAsync(bundlePath)).RootElement;
        Assert.Equal("pi-7", bundle.GetProperty("deviceId").GetString());
        Assert.Contains("BEGIN PUBLIC KEY", await File.ReadAllTextAsync(Path.Combine(bundleDirectory, "fleet-key.pub.pem")), StringComparison.Ordinal);
        var password = bundle.GetProperty("password").GetString();
        Assert.DoesNotContain(password!, await File.ReadAllTextAsync(Path.Combine(_gateway.DataDirectory, "broker-auth", "passwd")), StringComparison.Ordinal);

        // device.json is the agent's configuration: its strict loader takes it as written, the key beside it.
        var (options, problem) = DeviceOptionsLoader.Load(["--config", bundlePath], _ => null);
        Assert.True(problem is null, problem);
        Assert.Equal(("pi-7", "127.0.0.1", port, "pi-7", password, Sharding.DefaultShardCount, false),
            (options!.DeviceId, options.BrokerHost, options.BrokerPort, options.Username, options.Password, options.ShardCount, options.Tls));
        Assert.Equal(Path.Combine(bundleDirectory, "fleet-key.pub.pem"), options.FleetKeyPath);
        Assert.Contains("plain listener", run.Error, StringComparison.Ordinal);

        var anonymous = await TestMqtt.TryConnectAsync(new MqttConnectionSettings { Host = "127.0.0.1", Port = port, ClientId = "anon" });
        Assert.Null(anonymous.Client);
        var wrong = await TestMqtt.TryConnectAsync(new MqttConnectionSettings { Host = "127.0.0.1", Port = port, ClientId = "pi-7", UserName = "pi-7", Password = "not-it" });
        Assert.Null(wrong.Client);

        using var device = await TestMqtt.ConnectAsync(new MqttConnectionSettings { Host = "127.0.0.1", Port = port, ClientId = "pi-7", UserName = "pi-7", Password = password });
        var own = await TestMqtt.PublishAsync(device, Topics.FromDevice("pi-7", TopicKind.Report),
            """{"v":1,"seq":1,"health":"healthy","model":{"id":"m","version":"1.0.0","source":"active"}}""", retain: true);
        Assert.False(own.IsRefused(), own.ReasonCode.ToString());
        var foreign = await TestMqtt.PublishAsync(device, Topics.FromDevice("pi-8", TopicKind.Status), """{"v":1,"seq":1,"state":"online"}""");
        Assert.True(foreign.IsRefused(), "the ACL must refuse another device's topic");

        using var reader = _gateway.Client(_gateway.ReaderToken);
        await Eventually.TrueAsync(async () => (await reader.GetAsync("/api/v1/devices/pi-7")).StatusCode == HttpStatusCode.OK
            && (await reader.GetStringAsync("/api/v1/devices/pi-7")).Contains("\"1.0.0\"", StringComparison.Ordinal), "the provisioned device's report");
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync("/api/v1/devices/pi-8")).StatusCode);

        var certificateDirectory = Path.Combine(_gateway.DataDirectory, "bundle-pi-9");
        var certificateRun = await CliRunner.RunAsync(["devices", "provision", "pi-9", "--certificate", "--out", certificateDirectory, "--url", _gateway.BaseAddress.ToString(), "--token", _gateway.OperatorToken]);
        Assert.True(certificateRun.ExitCode == 0, certificateRun.Error);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(certificateDirectory, "client.key")));
        Assert.Contains("no TLS listener", certificateRun.Error, StringComparison.Ordinal);
        var (certificateOptions, certificateProblem) = DeviceOptionsLoader.Load(["--config", Path.Combine(certificateDirectory, "device.json")], _ => null);
        Assert.True(certificateProblem is null, certificateProblem);
        Assert.Equal((true, Path.Combine(certificateDirectory, "client.crt"), Path.Combine(certificateDirectory, "ca.crt"), null),
            (certificateOptions!.Tls, certificateOptions.ClientCertificate, certificateOptions.CaFile, certificateOptions.Password));
        using var client = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(Path.Combine(certificateDirectory, "client.crt"), Path.Combine(certificateDirectory, "client.key"));
        using var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(certificateDirectory, "ca.crt")));
        Assert.Equal("pi-9", client.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, forIssuer: false));
        Assert.True(client.HasPrivateKey);
        using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
        chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
        Assert.True(chain.Build(client), "the device certificate chains to the fleet CA");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_gateway.DataDirectory, "ca", "ca.key.pem")));

        // A broker that trusts the fleet CA for clients (mutual TLS, CN as username) accepts the device.
        using var serverCertificates = TestCertificates.Create();
        await using (var tlsBroker = await MosquittoBroker.StartAsync(new MosquittoOptions
        {
            Tls = new MosquittoTlsOptions(Path.Combine(_gateway.DataDirectory, "ca", "ca.crt.pem"), serverCertificates.ServerCertFile, serverCertificates.ServerKeyFile, RequireClientCertificate: true, UseIdentityAsUsername: true),
        }))
        {
            using var tlsDevice = await TestMqtt.ConnectAsync(new MqttConnectionSettings
            {
                Host = "127.0.0.1",
                Port = tlsBroker.Port,
                ClientId = "pi-9",
                Tls = new MqttTlsSettings
                {
                    CaFile = serverCertificates.CaFile,
                    CertificateFile = Path.Combine(certificateDirectory, "client.crt"),
                    KeyFile = Path.Combine(certificateDirectory, "client.key"),
                    ServerName = "localhost",
                },
            });
        }

        var again = await CliRunner.RunAsync(["devices", "provision", "pi-7", "--out", bundleDirectory, "--url", _gateway.BaseAddress.ToString(), "--token", _gateway.OperatorToken]);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("rotate", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BurstOfProvisionings_EveryPasswordLogsIn_TheLastOneIncluded()
    {
        // Mosquitto loses a SIGHUP that arrives while it reloads; a burst (the demo provisions 50 at once) left the last
        // device refused until something else made it reload.
        var port = _gateway.Services.GetRequiredService<EmbeddedBroker>().Port;
        using var operatorClient = _gateway.Client(_gateway.OperatorToken);
        var passwords = new Dictionary<string, string>();
        for (var i = 0; i < 25; i++)
        {
            var id = $"burst-{i:00}";
            using var response = await operatorClient.PostAsync($"/api/v1/devices/{id}/provision", null);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var bundle = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            passwords[id] = bundle.GetProperty("config").GetProperty("password").GetString()!;
        }

        foreach (var (id, password) in passwords.Reverse())
        {
            var client = await Eventually.ValueAsync(async () => (await TestMqtt.TryConnectAsync(new MqttConnectionSettings { Host = "127.0.0.1", Port = port, ClientId = id, UserName = id, Password = password })).Client,
                $"{id} to log in with its provisioned password");
            client.Dispose();
        }
    }
}
