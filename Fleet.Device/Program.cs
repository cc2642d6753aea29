// Composition root of the device agent; the agent itself lives in the capability folders.
using Fleet.Device.Configuration;
using Fleet.Device.Hosting;
using Fleet.Device.Storage;
using Serilog;
using Serilog.Extensions.Logging;

if (args is ["--storage-torture", var directory])
{
    // Hidden: the weight store's crash-safety test kills this loop at random moments.
    return StorageTorture.Run(directory);
}

if (args is ["--mcu", ..])
{
    return await Fleet.Device.Mcu.McuBridgeCommand.RunAsync(args);
}

if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(DeviceOptionsLoader.Usage);
    return 0;
}

var (options, problem) = DeviceOptionsLoader.Load(args, Environment.GetEnvironmentVariable);
if (options is null)
{
    Console.Error.WriteLine($"fleet-device: {problem}\n{DeviceOptionsLoader.Usage}");
    return 2;
}

if (OrtSelfCheck.Run() is { } ortProblem)
{
    Console.Error.WriteLine($"fleet-device: refusing to start: {ortProblem}");
    return 3;
}

using var serilog = new LoggerConfiguration().MinimumLevel.Information().WriteTo.Console(standardErrorFromLevel: Serilog.Events.LogEventLevel.Verbose).CreateLogger();
using var loggers = new SerilogLoggerFactory(serilog);
using var systemd = SystemdNotifier.FromEnvironment();
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
{
    c.Cancel = true;
    cts.Cancel();
});
return await new AgentRunner(options, loggers, TimeProvider.System).RunAsync(systemd, cts.Token);
