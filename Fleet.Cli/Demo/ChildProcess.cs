using System.Diagnostics;

namespace Fleet.Cli.Demo;

/// <summary>A child process of the demo whose output is prefixed and relayed, and which is stopped with the demo.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const string SetSid = "/usr/bin/setsid";
    private readonly Process _process;
    private readonly TaskCompletionSource<DateTimeOffset> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process) => _process = process;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The process id (setsid execs in place, so it is the program's own: what <c>kill -9</c> takes).</summary>
    public int Id => _process.Id;

    /// <summary>Completes with the time the process was seen to exit (however it died).</summary>
    public Task<DateTimeOffset> Exited => _exited.Task;

    /// <summary>SIGKILL, as <c>kill -9</c> would: no shutdown at all.</summary>
    public void KillNow()
    {
        if (!_process.HasExited)
        {
            Shared.Servers.NativeSignals.ForceKill(_process.Id);
        }
    }

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, string logFile, bool echo) =>
        Start(name, fileName, arguments, logFile, echo, new Dictionary<string, string>());

    /// <summary>Starts with extra environment variables (secrets the command line would show in <c>ps</c>).</summary>
    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, string logFile, bool echo, IReadOnlyDictionary<string, string> environment)
    {
        // Own session (setsid execs in place, keeping the pid): Ctrl-C reaches only the demo, which then
        // stops the children in order — devices before the gateway that runs their broker.
        var detach = File.Exists(SetSid);
        var psi = new ProcessStartInfo(detach ? SetSid : fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (detach)
        {
            psi.ArgumentList.Add(fileName);
        }

        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        var logClosed = false;
        void Relay(string? line)
        {
            if (line is null)
            {
                return;
            }

            // Output may still be relayed after Exited closed the log (the two are raised on different threads).
            lock (log)
            {
                if (!logClosed)
                {
                    log.WriteLine(line);
                }
            }

            if (echo)
            {
                Console.Error.WriteLine($"[{name}] {line}");
            }
        }

        process.OutputDataReceived += (_, e) => Relay(e.Data);
        process.ErrorDataReceived += (_, e) => Relay(e.Data);
        var child = new ChildProcess(process);
        process.Exited += (_, _) =>
        {
            child._exited.TrySetResult(CliClock.Time.GetUtcNow());
            lock (log)
            {
                logClosed = true;
                log.Dispose();
            }
        };
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start {fileName}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM lets the gateway stop its managed broker; kill only if it does not comply.
            Shared.Servers.NativeSignals.Terminate(_process.Id);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10), CliClock.Time);
            try
            {
                await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }

        _process.Dispose();
    }
}
