using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Fleet.Tests.EndToEnd;

/// <summary>
/// One real <c>fleet-device</c> process (the built agent next to the tests, real ONNX Runtime) with its output
/// kept for failure messages. Stopping it kills the process; starting again reuses its data directory, so a
/// restarted agent resumes as the same devices.
/// </summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    private readonly IReadOnlyList<string> _arguments;
    private readonly StringBuilder _log = new();
    private Process? _process;

    private AgentProcess(IReadOnlyList<string> arguments) => _arguments = arguments;

    public bool HasExited => _process is { HasExited: true };

    public int ExitCode => _process?.ExitCode ?? -1;

    /// <summary>Starts <paramref name="devices"/> simulated devices named <c>{prefix}-001</c>… against the broker.</summary>
    public static AgentProcess Simulated(int devices, string prefix, int brokerPort, string dataDirectory, string fleetKeyFile, params string[] extra) =>
        new([
            "--simulate", devices.ToString(CultureInfo.InvariantCulture),
            "--broker", $"127.0.0.1:{brokerPort}", "--data", dataDirectory,
            "--fleet-key", fleetKeyFile, "--id-prefix", prefix, "--fps", "20", "--window", "100", .. extra,
        ]);

    /// <summary>One device with explicit options (e.g. TLS credentials).</summary>
    public static AgentProcess Single(params string[] arguments) => new(arguments);

    public static string DeviceId(string prefix, int index) => string.Create(CultureInfo.InvariantCulture, $"{prefix}-{index:000}");

    public void Start()
    {
        var binary = Path.Combine(AppContext.BaseDirectory, "fleet-device");
        var psi = new ProcessStartInfo(File.Exists(binary) ? binary : Path.ChangeExtension(binary, ".dll"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in _arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        Append($"--- start {string.Join(' ', _arguments)}");
        var process = Process.Start(psi) ?? throw new InvalidOperationException("fleet-device did not start");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>Kills the agent (like a power cut: no clean disconnect, the broker publishes its Last Will).</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            process.Dispose();
            _process = null;
        }
    }

    /// <summary>The tail of the agent's output, for failure messages.</summary>
    public string Log()
    {
        lock (_log)
        {
            var text = _log.ToString();
            return text.Length > 4000 ? text[^4000..] : text;
        }
    }

    /// <summary>Throws with the agent's output when it exited on its own.</summary>
    public void ThrowIfExited()
    {
        if (_process is { HasExited: true } process)
        {
            throw new InvalidOperationException($"fleet-device exited with code {process.ExitCode}:\n{Log()}");
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }
}
