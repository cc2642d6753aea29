using System.Runtime.InteropServices;

namespace Fleet.Device.Mcu;

/// <summary><c>fleet-device --mcu LINK …</c>: runs <see cref="McuBridge"/> until Ctrl-C or SIGTERM.</summary>
internal static class McuBridgeCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var (options, problem) = McuBridgeOptions.Parse(args);
        if (options is null)
        {
            await Console.Error.WriteLineAsync($"fleet-device: {problem}\n{McuBridgeOptions.Usage}");
            return 2;
        }

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            cts.Cancel();
        });
        return await new McuBridge(options, Console.Error, TimeProvider.System).RunAsync(cts.Token);
    }
}
