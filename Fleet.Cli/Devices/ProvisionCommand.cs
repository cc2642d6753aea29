using System.CommandLine;
using System.Text;
using Fleet.Cli.Connection;

namespace Fleet.Cli.Devices;

/// <summary><c>fleet devices provision ID</c>: creates the device's identity and writes its bundle directory.</summary>
internal static class ProvisionCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "Device id" };
        var output = new Option<string?>("--out") { Description = "Bundle directory (default ./fleet-device-ID)" };
        var rotate = new Option<bool>("--rotate") { Description = "Issue new credentials for an existing device" };
        var command = new Command("provision", "Create a device identity (broker password + ACL) and its bundle (device.json)") { id, output, rotate };
        command.SetAction((parse, ct) => CliCommon.RunAsync(parse, async (client, console) =>
        {
            var deviceId = parse.GetValue(id)!;
            var bundle = await client.SendJsonAsync(HttpMethod.Post,
                $"/api/v1/devices/{Uri.EscapeDataString(deviceId)}/provision" + (parse.GetValue(rotate) ? "?rotate=true" : ""), null, ct).ConfigureAwait(false);
            var directory = Path.GetFullPath(parse.GetValue(output) ?? "fleet-device-" + deviceId);
            Directory.CreateDirectory(directory);
            await WritePrivateAsync(Path.Combine(directory, "device.json"), CliCommon.ToPrettyJson(bundle) + "\n", ct).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(directory, "fleet-key.pub.pem"), bundle.GetProperty("fleetPublicKey").GetString(), ct).ConfigureAwait(false);
            if (console.Json)
            {
                console.WriteJson(bundle);
                return;
            }

            var broker = bundle.GetProperty("broker");
            console.Writer.WriteLine($"provisioned {deviceId} (shard {bundle.GetProperty("shard").GetInt32()}), broker {broker.GetProperty("host").GetString()}:{broker.GetProperty("port").GetInt32()}");
            console.Writer.WriteLine($"bundle: {directory}/device.json (holds the broker password; copy it to the device, then delete it here)");
        }, ct));
        return command;
    }

    private static async Task WritePrivateAsync(string path, string content, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(content), cancellationToken).ConfigureAwait(false);
        }
    }
}
