using System.CommandLine;
using System.Text.Json;
using Fleet.Cli.Connection;
using Fleet.Shared.Security;

namespace Fleet.Cli.Devices;

/// <summary>
/// <c>fleet devices provision ID</c>: creates the device's identity and writes its bundle directory: the gateway's
/// <c>config</c> verbatim as <c>device.json</c> (the agent's own configuration format) and the files it names next to it.
/// </summary>
internal static class ProvisionCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "Device id" };
        var output = new Option<string?>("--out") { Description = "Bundle directory (default ./fleet-device-ID)" };
        var rotate = new Option<bool>("--rotate") { Description = "Issue new credentials for an existing device" };
        var certificate = new Option<bool>("--certificate") { Description = "A client certificate from the fleet CA (mutual TLS) instead of a password" };
        var command = new Command("provision", "Create a device identity (broker password + ACL, or a client certificate) and its bundle (device.json, the agent's configuration)") { id, output, rotate, certificate };
        command.SetAction((parse, ct) => CliCommon.RunAsync(parse, async (client, console) =>
        {
            var deviceId = parse.GetValue(id)!;
            var bundle = await client.SendJsonAsync(HttpMethod.Post,
                $"/api/v1/devices/{Uri.EscapeDataString(deviceId)}/provision?rotate={(parse.GetValue(rotate) ? "true" : "false")}&credentials={(parse.GetValue(certificate) ? "certificate" : "password")}",
                null, ct).ConfigureAwait(false);
            var directory = Path.GetFullPath(parse.GetValue(output) ?? "fleet-device-" + deviceId);
            await WriteAsync(bundle, directory, ct).ConfigureAwait(false);
            var warnings = bundle.TryGetProperty("warnings", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(w => w.GetString()).OfType<string>().ToList()
                : [];
            foreach (var warning in warnings)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"fleet: warning: {warning}").ConfigureAwait(false);
            }

            if (console.Json)
            {
                console.WriteJson(bundle);
                return;
            }

            var config = bundle.GetProperty("config");
            var tls = config.TryGetProperty("tls", out var useTls) && useTls.ValueKind == JsonValueKind.True ? ", TLS" : "";
            console.Writer.WriteLine($"provisioned {deviceId} (shard {bundle.GetProperty("shard").GetInt32()}, {bundle.GetProperty("credentials").GetString()}{tls}), broker {config.GetProperty("brokerHost").GetString()}:{config.GetProperty("brokerPort").GetInt32()}");
            console.Writer.WriteLine($"bundle: {directory} (device.json is the agent's configuration and holds its secret; install it with the device package: sudo ./install.sh {directory})");
        }, ct));
        return command;
    }

    /// <summary>Writes <c>device.json</c> and the files it names; the configuration and private keys are readable by their owner only.</summary>
    private static async Task WriteAsync(JsonElement bundle, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        await PrivateFile.WriteAsync(Path.Combine(directory, "device.json"), CliCommon.ToPrettyJson(bundle.GetProperty("config")) + "\n", cancellationToken).ConfigureAwait(false);
        foreach (var file in bundle.GetProperty("files").EnumerateObject())
        {
            // Names come from the gateway; a bundle never writes outside its directory.
            if (Path.GetFileName(file.Name) != file.Name || file.Name is "." or ".." or "device.json")
            {
                throw new CliException($"the gateway's bundle names a file '{file.Name}' that is not a plain file name; nothing more was written");
            }

            var path = Path.Combine(directory, file.Name);
            var content = file.Value.GetString() ?? "";
            if (file.Name.EndsWith(".key", StringComparison.Ordinal))
            {
                await PrivateFile.WriteAsync(path, content, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await File.WriteAllTextAsync(path, content, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
