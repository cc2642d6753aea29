using System.CommandLine;
using System.Text;
using Fleet.Cli.Connection;
using Fleet.Shared.Security;

namespace Fleet.Cli.Devices;

/// <summary><c>fleet devices provision ID</c>: creates the device's identity and writes its bundle directory.</summary>
internal static class ProvisionCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "Device id" };
        var output = new Option<string?>("--out") { Description = "Bundle directory (default ./fleet-device-ID)" };
        var rotate = new Option<bool>("--rotate") { Description = "Issue new credentials for an existing device" };
        var certificate = new Option<bool>("--certificate") { Description = "A client certificate from the fleet CA (mutual TLS) instead of a password" };
        var command = new Command("provision", "Create a device identity (broker password + ACL, or a client certificate) and its bundle (device.json)") { id, output, rotate, certificate };
        command.SetAction((parse, ct) => CliCommon.RunAsync(parse, async (client, console) =>
        {
            var deviceId = parse.GetValue(id)!;
            var bundle = await client.SendJsonAsync(HttpMethod.Post,
                $"/api/v1/devices/{Uri.EscapeDataString(deviceId)}/provision?rotate={(parse.GetValue(rotate) ? "true" : "false")}&credentials={(parse.GetValue(certificate) ? "certificate" : "password")}",
                null, ct).ConfigureAwait(false);
            var directory = Path.GetFullPath(parse.GetValue(output) ?? "fleet-device-" + deviceId);
            Directory.CreateDirectory(directory);
            await PrivateFile.WriteAsync(Path.Combine(directory, "device.json"), CliCommon.ToPrettyJson(bundle) + "\n", ct).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(directory, "fleet-key.pub.pem"), bundle.GetProperty("fleetPublicKey").GetString(), ct).ConfigureAwait(false);
            if (bundle.GetProperty("credentials") is { ValueKind: System.Text.Json.JsonValueKind.Object } credentials
                && credentials.GetProperty("kind").GetString() == "certificate")
            {
                // The usual file trio for MQTT clients with mutual TLS, next to device.json.
                await File.WriteAllTextAsync(Path.Combine(directory, "client.crt"), credentials.GetProperty("certificate").GetString(), ct).ConfigureAwait(false);
                await PrivateFile.WriteAsync(Path.Combine(directory, "client.key"), credentials.GetProperty("privateKey").GetString()!, ct).ConfigureAwait(false);
                await File.WriteAllTextAsync(Path.Combine(directory, "ca.crt"), credentials.GetProperty("ca").GetString(), ct).ConfigureAwait(false);
            }

            if (console.Json)
            {
                console.WriteJson(bundle);
                return;
            }

            var broker = bundle.GetProperty("broker");
            var tls = broker.TryGetProperty("tls", out var useTls) && useTls.ValueKind == System.Text.Json.JsonValueKind.True ? " (TLS)" : "";
            console.Writer.WriteLine($"provisioned {deviceId} (shard {bundle.GetProperty("shard").GetInt32()}), broker {broker.GetProperty("host").GetString()}:{broker.GetProperty("port").GetInt32()}{tls}");
            console.Writer.WriteLine($"bundle: {directory}/device.json (holds the device's secret; copy it to the device, then delete it here)");
        }, ct));
        return command;
    }
}
