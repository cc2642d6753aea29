using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Fleet.Shared.Security;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;

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

        ECDsa? fleetKey = null;
        if (options.FleetKeyPath is { } keyPath)
        {
            try
            {
                fleetKey = FleetKey.FromPem(await File.ReadAllTextAsync(keyPath));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or CryptographicException)
            {
                await Console.Error.WriteLineAsync($"fleet-device: cannot read the fleet key '{keyPath}': {ex.Message}");
                return 2;
            }
        }

        using var key = fleetKey;
        using var serilog = new LoggerConfiguration().MinimumLevel.Information().WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose).CreateLogger();
        using var loggers = new SerilogLoggerFactory(serilog);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
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
        return await new McuBridge(options, Console.Error, loggers, TimeProvider.System, http, fleetKey).RunAsync(cts.Token);
    }
}
