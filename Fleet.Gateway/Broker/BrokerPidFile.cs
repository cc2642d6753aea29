using System.Globalization;
using Fleet.Shared.Servers;

namespace Fleet.Gateway.Broker;

/// <summary>
/// <c>owner.pid</c> in the managed broker's directory: the broker's pid and its gateway's. Checked before a broker
/// starts there, so a broker orphaned by a killed gateway is stopped (it would fight the new one over the
/// persistence file) and two live gateways never share one broker directory.
/// </summary>
internal static class BrokerPidFile
{
    public const string FileName = "owner.pid";

    /// <summary>Stops an orphaned broker of this directory, or refuses when a live gateway still owns it.</summary>
    public static async Task ClaimAsync(string directory, ILogger logger, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return;
        }

        var parts = (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var brokerPid) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var gatewayPid))
        {
            File.Delete(path);
            return;
        }

        var brokerAlive = IsBrokerOf(brokerPid, directory);
        if (gatewayPid != Environment.ProcessId && IsAlive(gatewayPid) && brokerAlive)
        {
            throw new GatewayStartupException(
                $"the broker directory {directory} belongs to a running gateway (pid {gatewayPid}, its Mosquitto is pid {brokerPid}); " +
                "two gateways cannot share one data directory: stop that gateway or choose another --Fleet:DataDirectory");
        }

        if (brokerAlive)
        {
            GatewayLog.OrphanBrokerStopped(logger, brokerPid, gatewayPid, directory);
            await StopAsync(brokerPid, cancellationToken).ConfigureAwait(false);
        }

        File.Delete(path);
    }

    public static Task WriteAsync(string directory, int brokerPid, CancellationToken cancellationToken) =>
        File.WriteAllTextAsync(Path.Combine(directory, FileName), string.Create(CultureInfo.InvariantCulture, $"{brokerPid} {Environment.ProcessId}\n"), cancellationToken);

    public static void Delete(string directory) => File.Delete(Path.Combine(directory, FileName));

    private static bool IsAlive(int pid) => File.Exists($"/proc/{pid}/cmdline") && !IsZombie(pid);

    /// <summary>A live mosquitto started on this directory's config (a reused pid is someone else).</summary>
    private static bool IsBrokerOf(int pid, string directory)
    {
        try
        {
            return IsAlive(pid) && File.ReadAllText($"/proc/{pid}/cmdline").Contains(Path.Combine(directory, "mosquitto.conf"), StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var afterName = stat.LastIndexOf(')');
            return afterName > 0 && afterName + 2 < stat.Length && stat[afterName + 2] == 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>SIGTERM so it saves its state, SIGKILL after 5 s.</summary>
    private static async Task StopAsync(int pid, CancellationToken cancellationToken)
    {
        _ = NativeSignals.Terminate(pid);
        for (var i = 0; i < 100 && IsAlive(pid); i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }

        if (IsAlive(pid))
        {
            _ = NativeSignals.ForceKill(pid);
        }
    }
}
