using Fleet.Gateway.Broker;
using Fleet.Tests.Cli;
using Fleet.Tests.EndToEnd;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Tests.Device.Packaging;

/// <summary>
/// The Raspberry Pi guide's path, end to end: a gateway with an authenticating managed broker and its TLS listener,
/// <c>fleet devices provision --certificate</c>, the x64 package's install.sh laying the bundle out (under a staging
/// root: no user, no systemd), the agent started as the installed unit would start it (its <c>ExecStart=</c> and
/// <c>Environment=</c>, <c>STATE_DIRECTORY</c> as systemd sets it) — and the device's twin comes online with the
/// vocoder. Nothing but the bundle tells the agent where the broker is or how to log in.
/// </summary>
[Collection(DevicePackageCollection.Name)]
public sealed class InstalledAgentTests(DevicePackageFixture packages) : IAsyncLifetime
{
    private const string Id = "pi-kitchen-01";
    private readonly string _work = Directory.CreateTempSubdirectory("fleet-install-").FullName;
    private GatewayHost _gateway = null!;
    private AgentProcess? _agent;

    public async Task InitializeAsync() =>
        _gateway = await GatewayHost.StartAsync("--Fleet:BrokerAuthentication", "true", "--Fleet:BrokerTls:Enabled", "true");

    public async Task DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        await _gateway.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task ProvisionedBundle_InstalledFromThePackage_StartsAsTheUnitDoes_AndItsTwinComesOnline()
    {
        var bundle = Path.Combine(_work, "bundles", Id);
        var provision = await CliRunner.RunAsync(["devices", "provision", Id, "--certificate", "--out", bundle, "--url", _gateway.BaseAddress.ToString(), "--token", _gateway.OperatorToken]);
        Assert.True(provision.ExitCode == 0, provision.Error);
        Assert.DoesNotContain("no TLS listener", provision.Error, StringComparison.Ordinal);

        var root = Path.Combine(_work, "root");
        var install = await ProcessRunner.RunAsync("sh", [Path.Combine(packages.X64.Directory, "install.sh"), "--root", root, bundle], TimeSpan.FromMinutes(3));
        Assert.True(install.ExitCode == 0, $"install.sh exited {install.ExitCode}:\n{install.StandardOutput}\n{install.StandardError}");
        Assert.Contains($"configuration usable: device {Id}", install.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(Path.Combine(bundle, "device.json")), File.ReadAllText(Path.Combine(root, "etc", "fleet", "device.json")));

        var unit = File.ReadAllLines(Path.Combine(root, "etc", "systemd", "system", "fleet-device.service"));
        var command = Staged(root, Value(unit, "ExecStart")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var environment = unit.Where(l => l.StartsWith("Environment=", StringComparison.Ordinal))
            .Select(l => l["Environment=".Length..].Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);
        // systemd's StateDirectory=fleet: the directory exists and STATE_DIRECTORY names it.
        var state = Path.Combine(root, "var", "lib", Value(unit, "StateDirectory"));
        Assert.True(Directory.Exists(state), $"install.sh did not create {state}");
        environment["STATE_DIRECTORY"] = state;

        _agent = AgentProcess.Installed(command[0], command[1..], environment);
        _agent.Start();
        using var reader = _gateway.Client(_gateway.ReaderToken);
        var detail = await AgentProbe.DeviceWhenAsync(reader, _agent, Id, AgentProbe.OnlineWithVocoder, "online from the installed bundle");

        Assert.Equal("certificate", detail.GetProperty("device").GetProperty("credentials").GetString());
        Assert.Equal(_gateway.Services.GetRequiredService<EmbeddedBroker>().TlsPort, System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "etc", "fleet", "device.json"))).RootElement.GetProperty("brokerPort").GetInt32());
        Assert.True(Directory.Exists(Path.Combine(state, "store")), "the agent's state belongs in the unit's state directory");
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(state, "logs"), "fleet-device-*.clef"));
    }

    [Fact]
    public async Task BundleTheAgentWouldRefuse_IsRefusedByInstallSh_BeforeAnythingIsInstalled()
    {
        var bundle = Directory.CreateDirectory(Path.Combine(_work, "bad-bundle")).FullName;
        File.WriteAllText(Path.Combine(bundle, "device.json"), """{ "deviceId": "pi-2", "brokerHots": "gw.local" }""");
        var root = Path.Combine(_work, "bad-root");

        var install = await ProcessRunner.RunAsync("sh", [Path.Combine(packages.X64.Directory, "install.sh"), "--root", root, bundle], TimeSpan.FromMinutes(3));

        Assert.Equal(1, install.ExitCode);
        Assert.Contains("unknown key \"brokerHots\"; did you mean \"brokerHost\"?", install.StandardError, StringComparison.Ordinal);
        Assert.Contains("nothing was installed", install.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(root, "opt", "fleet")), "install.sh installed the agent despite a bad bundle");
    }

    private static string Value(IEnumerable<string> unit, string key) =>
        unit.Single(l => l.StartsWith(key + "=", StringComparison.Ordinal))[(key.Length + 1)..].Trim();

    /// <summary>The unit's absolute paths moved under the staging root install.sh laid the files out in.</summary>
    private static string Staged(string root, string command) =>
        command.Replace("/opt/fleet/", root + "/opt/fleet/", StringComparison.Ordinal).Replace("/etc/fleet/", root + "/etc/fleet/", StringComparison.Ordinal);
}
