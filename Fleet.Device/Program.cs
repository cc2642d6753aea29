// Composition root of the device agent; the agent itself lives in the capability folders.
using Fleet.Device.Configuration;
using Fleet.Device.Agent;
using Fleet.Device.Hosting;
using Fleet.Device.Inference;
using Fleet.Device.Logging;
using Fleet.Device.Storage;
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

if (args is ["--version"])
{
    Console.WriteLine(AgentBuild.Describe());
    return 0;
}

if (args is ["--self-check"])
{
    if (OrtSelfCheck.Run() is { } selfCheckProblem)
    {
        Console.Error.WriteLine($"fleet-device: self-check failed: {selfCheckProblem}");
        return 3;
    }

    Console.WriteLine($"ONNX Runtime {OrtSelfCheck.RuntimeVersion}: self-check passed");
    return 0;
}

var checkOnly = args.Contains("--check-config");
var (options, problem) = DeviceOptionsLoader.Load([.. args.Where(a => a != "--check-config")], Environment.GetEnvironmentVariable);
if (checkOnly)
{
    if (options is null)
    {
        Console.Error.WriteLine($"fleet-device: {problem}");
        return 2;
    }

    Console.WriteLine($"configuration usable: {DeviceOptionsLoader.Describe(options)}");
    return 0;
}

if (options is null)
{
    // One line a journal shows whole; the usage is a flag away.
    Console.Error.WriteLine($"fleet-device: {problem}\nfleet-device: not started; fleet-device --help lists the options and the configuration file's keys");
    return 2;
}

if (OrtSelfCheck.Run() is { } ortProblem)
{
    Console.Error.WriteLine($"fleet-device: refusing to start: {ortProblem}");
    return 3;
}

Serilog.Core.Logger serilog;
try
{
    serilog = DeviceLogging.Create(options.DeviceIds(), options.LogDirectoryInForce(), options.LogFileBytes, options.LogFiles);
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"fleet-device: log directory '{options.LogDirectoryInForce()}': {ex.Message}");
    return 2;
}

using var serilogOwner = serilog;
// Akka's logger (Akka.Logger.Serilog) writes to the process-wide Serilog logger.
Serilog.Log.Logger = serilog;
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
