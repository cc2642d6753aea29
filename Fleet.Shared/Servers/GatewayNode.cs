using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Fleet.Shared.Servers;

/// <summary>
/// One <c>fleet-gateway</c> process of a <see cref="GatewayCluster"/>: fixed HTTP and remoting ports and its own data
/// directory, kept across restarts, so a restarted node comes back at the same address on the same files. Every
/// incarnation's output is kept (prefixed with the node and incarnation) for failure messages.
/// </summary>
public sealed class GatewayNode : IAsyncDisposable
{
    private const int OutputLimit = 400_000;

    // A real process on the real clock: grace periods and exit waits use the system time on purpose.
    private static readonly TimeProvider Clock = TimeProvider.System;

    private readonly StringBuilder _output = new();
    private readonly Func<GatewayNode, IReadOnlyList<string>> _arguments;
    private readonly string _binary;
    private readonly bool _tied;
    private Process? _process;

    internal GatewayNode(int index, int httpPort, int remotingPort, string dataDirectory, string binary, bool tied, Func<GatewayNode, IReadOnlyList<string>> arguments)
    {
        Index = index;
        HttpPort = httpPort;
        RemotingPort = remotingPort;
        DataDirectory = dataDirectory;
        _binary = binary;
        _tied = tied;
        _arguments = arguments;
    }

    /// <summary>The node's position in its cluster (0 is the first seed).</summary>
    public int Index { get; }

    /// <summary>The loopback port of the node's HTTP API and dashboard.</summary>
    public int HttpPort { get; }

    /// <summary>The loopback port of the node's Akka remoting.</summary>
    public int RemotingPort { get; }

    /// <summary>The node's own data directory (its secrets live in the cluster's shared directory).</summary>
    public string DataDirectory { get; }

    /// <summary>The node's HTTP base address.</summary>
    public Uri BaseAddress => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{HttpPort}/"));

    /// <summary>The node's Akka address (<c>akka.tcp://fleet-gateway@127.0.0.1:PORT</c>), as seed lists and membership name it.</summary>
    public string Address => string.Create(CultureInfo.InvariantCulture, $"akka.tcp://fleet-gateway@127.0.0.1:{RemotingPort}");

    /// <summary>How many times the node's process has been started.</summary>
    public int Incarnation { get; private set; }

    /// <summary>Whether the current process runs (a paused process still runs).</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Whether the process is stopped by <see cref="Pause"/> and not resumed yet.</summary>
    public bool IsPaused { get; private set; }

    /// <summary>The current process id, while it runs.</summary>
    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    /// <summary>The last incarnation's exit code, once it exited; null while it runs or before the first start.</summary>
    public int? ExitCode => _process is { HasExited: true } process ? process.ExitCode : null;

    /// <summary>Everything every incarnation printed so far (the newest part when very long).</summary>
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

    /// <summary>The last <paramref name="characters"/> of <see cref="Output"/>, for failure messages.</summary>
    public string OutputTail(int characters = 6000)
    {
        var text = Output;
        return text.Length > characters ? text[^characters..] : text;
    }

    /// <summary>Starts a new incarnation on the node's ports and data directory.</summary>
    /// <exception cref="InvalidOperationException">The node runs already, or the process could not be started.</exception>
    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"gateway node {Index} is already running (pid {_process!.Id})");
        }

        _process?.Dispose();
        Directory.CreateDirectory(DataDirectory);
        var apphost = File.Exists(_binary);
        var dll = Path.ChangeExtension(_binary, ".dll");
        if (!apphost && !File.Exists(dll))
        {
            throw new InvalidOperationException($"the gateway binary {_binary} does not exist; build Fleet.Gateway first (./fleet setup)");
        }

        var psi = ParentDeathSignal.StartInfo(apphost ? _binary : "dotnet", _tied);
        if (!apphost)
        {
            psi.ArgumentList.Add(dll);
        }

        foreach (var argument in _arguments(this))
        {
            psi.ArgumentList.Add(argument);
        }

        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.WorkingDirectory = DataDirectory;
        Incarnation++;
        IsPaused = false;
        var prefix = string.Create(CultureInfo.InvariantCulture, $"[n{Index}#{Incarnation}] ");
        Append(prefix + "--- start " + string.Join(' ', psi.ArgumentList));
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(e.Data is null ? null : prefix + e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data is null ? null : prefix + e.Data);
        if (_tied && ParentDeathSignal.Available)
        {
            if (ParentDeathSignal.Start(process, $"gateway node {Index}") is { } failure)
            {
                throw new InvalidOperationException($"gateway node {Index} could not be started: {failure.Message}", failure);
            }
        }
        else
        {
            process.Start();
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>Completes when the current incarnation exits (at once when none runs).</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken = default) =>
        _process is { } process ? process.WaitForExitAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>kill -9: the process dies at once, as in a crash or power loss; returns once it is gone.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        if (!process.HasExited)
        {
            Append(string.Create(CultureInfo.InvariantCulture, $"[n{Index}#{Incarnation}] --- kill -9"));
            process.Kill();
        }

        await process.WaitForExitAsync().ConfigureAwait(false);
        IsPaused = false;
    }

    /// <summary>
    /// Graceful stop: SIGTERM (the node leaves the cluster and hands its shards over) and waits for the exit; kills it
    /// after <paramref name="grace"/> and throws, since a node that does not leave within its grace is a failure.
    /// </summary>
    /// <exception cref="TimeoutException">The node did not exit within <paramref name="grace"/> (it is killed).</exception>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process is not { } process || process.HasExited)
        {
            return;
        }

        if (IsPaused)
        {
            Resume();
        }

        Append(string.Create(CultureInfo.InvariantCulture, $"[n{Index}#{Incarnation}] --- SIGTERM"));
        _ = NativeSignals.Terminate(process.Id);
        using var timeout = new CancellationTokenSource(grace, Clock);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await KillAsync().ConfigureAwait(false);
            throw new TimeoutException($"gateway node {Index} did not exit within {grace} of SIGTERM; killed it. Output:\n{OutputTail()}");
        }
    }

    /// <summary>SIGSTOP: the process freezes (no heartbeats, no MQTT keep-alives) until <see cref="Resume"/>.</summary>
    public void Pause()
    {
        if (ProcessId is { } pid && NativeSignals.Pause(pid))
        {
            IsPaused = true;
            Append(string.Create(CultureInfo.InvariantCulture, $"[n{Index}#{Incarnation}] --- SIGSTOP"));
        }
    }

    /// <summary>SIGCONT: a paused process runs on from where it stopped.</summary>
    public void Resume()
    {
        if (ProcessId is { } pid && NativeSignals.Resume(pid))
        {
            IsPaused = false;
            Append(string.Create(CultureInfo.InvariantCulture, $"[n{Index}#{Incarnation}] --- SIGCONT"));
        }
    }

    /// <summary>Kills the process if it still runs; the data directory is the cluster's to delete.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                if (IsPaused)
                {
                    _ = NativeSignals.Resume(process.Id);
                }

                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync().ConfigureAwait(false);
            process.Dispose();
            _process = null;
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
            if (_output.Length > OutputLimit)
            {
                _output.Remove(0, _output.Length - (OutputLimit / 2));
            }
        }
    }
}
