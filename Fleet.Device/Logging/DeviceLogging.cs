using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Fleet.Device.Logging;

/// <summary>
/// The agent's Serilog pipeline: human-readable lines on the console (stderr, which journald keeps) and compact
/// JSON (CLEF, one event per line) in a rolling file for shipping and later reading. Every event carries
/// <c>DeviceId</c>: the device's own id, or for a <c>--simulate N</c> process the id each message names
/// (process-wide events there carry <c>Devices</c> instead).
/// </summary>
internal static class DeviceLogging
{
    public const string FilePrefix = "fleet-device-";
    public const string FileExtension = ".clef";

    /// <param name="deviceIds">The devices this process runs.</param>
    /// <param name="directory">Where the rolling files go (created if missing).</param>
    /// <param name="fileBytes">A file rolls over at this size, and at midnight (UTC days are what the file names show).</param>
    /// <param name="files">How many files are kept, the current one included.</param>
    /// <param name="console">Whether to write the console too (tests of the file alone turn it off).</param>
    public static Logger Create(IReadOnlyList<string> deviceIds, string directory, long fileBytes, int files, bool console = true)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        ArgumentOutOfRangeException.ThrowIfLessThan(fileBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(files);
        Directory.CreateDirectory(directory);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Information()
            .Enrich.WithProperty("Agent", Agent.AgentRunner.AgentVersion);
        configuration = deviceIds.Count == 1
            ? configuration.Enrich.WithProperty("DeviceId", deviceIds[0])
            : configuration.Enrich.WithProperty("Devices", deviceIds.Count);
        if (console)
        {
            configuration = configuration.WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose);
        }

        return configuration
            .WriteTo.File(new CompactJsonFormatter(), Path.Combine(directory, FilePrefix + FileExtension),
                fileSizeLimitBytes: fileBytes, rollOnFileSizeLimit: true, rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: files, buffered: false)
            .CreateLogger();
    }
}
