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
    private readonly string? _ownedDirectory;
    private readonly string? _binary;
    private readonly IReadOnlyDictionary<string, string> _environment = new Dictionary<string, string>();
    private readonly StringBuilder _log = new();
    private Process? _process;

    private AgentProcess(IReadOnlyList<string> arguments, string? ownedDirectory = null)
    {
        _arguments = arguments;
        _ownedDirectory = ownedDirectory;
    }

    private AgentProcess(string binary, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment)
        : this(arguments)
    {
        _binary = binary;
        _environment = environment;
    }

    public bool HasExited => _process is { HasExited: true };

    public int ExitCode => _process?.ExitCode ?? -1;

    /// <summary>
    /// <paramref name="devices"/> simulated devices named <c>{prefix}-001</c>… against the broker, trusting
    /// <paramref name="gateway"/>'s fleet key, in a temporary data directory removed on dispose. Not started yet.
    /// </summary>
    public static async Task<AgentProcess> SimulatedAsync(HttpClient gateway, int brokerPort, string prefix, int devices, params string[] extra)
    {
        var data = Directory.CreateTempSubdirectory("fleet-agent-").FullName;
        var keyPath = Path.Combine(data, "fleet-key.pub.pem");
        await File.WriteAllTextAsync(keyPath, await gateway.GetStringAsync("/api/v1/fleet/key"));
        return new AgentProcess(
            [
                "--simulate", devices.ToString(CultureInfo.InvariantCulture),
                "--broker", $"127.0.0.1:{brokerPort}", "--data", Path.Combine(data, "devices"),
                "--fleet-key", keyPath, "--id-prefix", prefix, .. extra,
            ],
            data);
    }

    /// <summary>One device with explicit options (e.g. TLS credentials).</summary>
    public static AgentProcess Single(params string[] arguments) => new(arguments);

    /// <summary>An agent installed somewhere else (an unpacked device package), started with this environment.</summary>
    public static AgentProcess Installed(string binary, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment) =>
        new(binary, arguments, environment);

    public static string DeviceId(string prefix, int index) => string.Create(CultureInfo.InvariantCulture, $"{prefix}-{index:000}");

    public void Start()
    {
        var binary = _binary ?? Path.Combine(AppContext.BaseDirectory, "fleet-device");
        var psi = new ProcessStartInfo(File.Exists(binary) ? binary : Path.ChangeExtension(binary, ".dll"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in _environment)
        {
            psi.Environment[name] = value;
        }

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

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_ownedDirectory is not null)
        {
            Directory.Delete(_ownedDirectory, recursive: true);
        }
    }

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
