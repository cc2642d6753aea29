using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fleet.Shared.Servers;

/// <summary>A Mosquitto broker run as a child process on a loopback port, with a generated config.</summary>
/// <remarks>
/// Used by the embedded gateway (its default broker), by <c>./fleet demo</c> and by the integration
/// test fixtures. <see cref="StartAsync"/> returns only once the broker accepts TCP connections, and
/// throws <see cref="MosquittoUnavailableException"/> with the reason when it cannot start (not
/// installed, port taken, bad config); it never silently degrades.
/// </remarks>
public sealed partial class MosquittoBroker : IAsyncDisposable
{
    private const string DefaultBinary = "/usr/sbin/mosquitto";
    private const string SetPriv = "/usr/bin/setpriv";
    // The broker is a real process on the real clock: its start, restart and stop waits use the system time on purpose.
    private static readonly TimeProvider Clock = TimeProvider.System;

    private readonly MosquittoOptions _options;
    private readonly bool _ownsDirectory;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private MosquittoBroker(MosquittoOptions options, string directory, bool ownsDirectory)
    {
        _options = options;
        WorkingDirectory = directory;
        _ownsDirectory = ownsDirectory;
    }

    /// <summary>The loopback port the broker listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The host clients connect to.</summary>
    public string Host => _options.BindAddress;

    /// <summary>Directory holding the generated config, log and persistence files.</summary>
    public string WorkingDirectory { get; }

    /// <summary>Path of the broker's log file.</summary>
    public string LogFile => Path.Combine(WorkingDirectory, "mosquitto.log");

    /// <summary>Whether the child process is still running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The broker's process id while it runs.</summary>
    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    /// <summary>Completes when the running broker process exits (at once when none runs).</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) =>
        _process is { } process ? process.WaitForExitAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>Locates the mosquitto binary: <c>FLEET_MOSQUITTO</c>, then /usr/sbin, then PATH.</summary>
    public static string? FindBinary()
    {
        var configured = Environment.GetEnvironmentVariable("FLEET_MOSQUITTO");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? configured : null;
        }

        if (File.Exists(DefaultBinary))
        {
            return DefaultBinary;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "mosquitto");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Starts a broker and waits until it accepts connections.</summary>
    public static async Task<MosquittoBroker> StartAsync(MosquittoOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var binary = FindBinary() ?? throw new MosquittoUnavailableException(
            "mosquitto is not installed. Install it with: sudo apt-get install -y mosquitto mosquitto-clients (or set FLEET_MOSQUITTO).");

        var ownsDirectory = options.WorkingDirectory is null;
        var directory = options.WorkingDirectory ?? Path.Combine(Path.GetTempPath(), "fleet-mosquitto-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var broker = new MosquittoBroker(options, directory, ownsDirectory);
        try
        {
            // A free port chosen by the OS can be taken by someone else before mosquitto binds it; retry then.
            for (var attempt = 1; ; attempt++)
            {
                broker.Port = options.Port != 0 ? options.Port : FreeLoopbackPort();
                if (options.Port != 0 && !IsPortFree(options.BindAddress, options.Port))
                {
                    throw new MosquittoUnavailableException($"port {options.Port} on {options.BindAddress} is already in use; choose another or 0 for a free one");
                }

                await broker.WriteConfigAsync(cancellationToken).ConfigureAwait(false);
                var started = await broker.LaunchAsync(binary, cancellationToken).ConfigureAwait(false);
                if (started)
                {
                    return broker;
                }

                if (options.Port != 0 || attempt >= 5 || !broker.Output.Contains("in use", StringComparison.OrdinalIgnoreCase))
                {
                    throw new MosquittoUnavailableException($"mosquitto did not start on {options.BindAddress}:{broker.Port}: {broker.Output.Trim()}");
                }
            }
        }
        catch
        {
            await broker.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Everything the broker printed to stdout/stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Picks a currently free TCP port on 127.0.0.1.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Signals the broker to reload its configuration (SIGHUP: password file and ACLs are re-read; listeners stay).</summary>
    /// <returns>False when the broker is not running.</returns>
    public bool Reload() => _process is { HasExited: false } process && NativeSignals.HangUp(process.Id);

    /// <summary>Stops the broker (SIGTERM so it saves its state, then kill) without deleting its directory, so it can be restarted.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        using (process)
        {
            if (!process.HasExited)
            {
                _ = NativeSignals.Terminate(process.Id);
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5), Clock);
                try
                {
                    await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                }
            }

            await process.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Kills the broker abruptly (SIGKILL), as a crash or power loss would; for chaos tests.</summary>
    public async Task KillAsync()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        using (process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Whether a TCP listener could bind <paramref name="address"/>:<paramref name="port"/> right now.</summary>
    public static bool IsPortFree(string address, int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Parse(address), port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Restarts a stopped broker on the same port with the same config (persistence survives).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync().ConfigureAwait(false);
        var binary = FindBinary() ?? throw new MosquittoUnavailableException("mosquitto disappeared");
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if (await LaunchAsync(binary, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            // The old socket can linger for a moment after the previous process exits.
            await Task.Delay(TimeSpan.FromMilliseconds(100), Clock, cancellationToken).ConfigureAwait(false);
        }

        throw new MosquittoUnavailableException($"mosquitto did not restart on port {Port}: {Output.Trim()}");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (_ownsDirectory)
        {
            try
            {
                Directory.Delete(WorkingDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A log file still being flushed is not worth failing a dispose over.
            }
        }
    }

    private async Task<bool> LaunchAsync(string binary, CancellationToken cancellationToken)
    {
        var dieWithParent = _options.DieWithParent && File.Exists(SetPriv);
        var psi = new ProcessStartInfo(dieWithParent ? SetPriv : binary)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = WorkingDirectory,
        };
        if (dieWithParent)
        {
            // setpriv execs mosquitto in place (same pid) with PR_SET_PDEATHSIG armed.
            foreach (var argument in new[] { "--pdeathsig", "KILL", "--", binary })
            {
                psi.ArgumentList.Add(argument);
            }
        }

        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Path.Combine(WorkingDirectory, "mosquitto.conf"));
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        if (dieWithParent)
        {
            StartFromOwnThread(process);
        }
        else
        {
            process.Start();
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var started = Clock.GetTimestamp();
        while (Clock.GetElapsedTime(started) < TimeSpan.FromSeconds(10))
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                AppendLogTail();
                _process = null;
                process.Dispose();
                return false;
            }

            if (await CanConnectAsync(cancellationToken).ConfigureAwait(false))
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), Clock, cancellationToken).ConfigureAwait(false);
        }

        throw new MosquittoUnavailableException($"mosquitto did not accept connections on port {Port} within 10 s: {Output.Trim()}");
    }

    private static void StartFromOwnThread(Process process)
    {
        if (ParentDeathSignal.Start(process, "mosquitto parent") is { } failure)
        {
            throw new MosquittoUnavailableException($"mosquitto could not be started: {failure.Message}");
        }
    }

    private async Task<bool> CanConnectAsync(CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(_options.BindAddress, Port, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void AppendLogTail()
    {
        if (File.Exists(LogFile))
        {
            foreach (var line in File.ReadLines(LogFile).TakeLast(10))
            {
                Append(line);
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

/// <summary>The managed broker could not be started; the message says why and what to do.</summary>
public sealed class MosquittoUnavailableException(string message) : Exception(message);
