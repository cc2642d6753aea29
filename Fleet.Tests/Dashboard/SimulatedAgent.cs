using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Fleet.Tests.Dashboard;

/// <summary>
/// The real device agent (<c>fleet-device --simulate N</c>: a separate process running the reference vocoder on
/// ONNX Runtime) connected to a test gateway's broker. Killed on dispose; its output is kept for failure messages.
/// </summary>
internal sealed class SimulatedAgent : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _data;
    private readonly StringBuilder _log = new();

    private SimulatedAgent(Process process, string data, string prefix)
    {
        _process = process;
        _data = data;
        Prefix = prefix;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Prefix { get; }

    /// <summary>The id of simulated device <paramref name="index"/> (1-based), as the agent names it.</summary>
    public string DeviceId(int index) => $"{Prefix}-{index.ToString("D3", CultureInfo.InvariantCulture)}";

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="devices"/> simulated devices with short windows (<paramref name="fps"/> frames a second, 100 a window).</summary>
    public static SimulatedAgent Start(int brokerPort, string fleetKeyPem, int devices = 1, double fps = 100)
    {
        var prefix = "sim" + Guid.NewGuid().ToString("N")[..5];
        var data = Directory.CreateTempSubdirectory("fleet-dash-agent-").FullName;
        var keyPath = Path.Combine(data, "fleet-key.pub.pem");
        File.WriteAllText(keyPath, fleetKeyPem);
        var binary = Path.Combine(AppContext.BaseDirectory, "fleet-device");
        var start = new ProcessStartInfo(File.Exists(binary) ? binary : Path.ChangeExtension(binary, ".dll"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "--simulate", devices.ToString(CultureInfo.InvariantCulture), "--broker", $"127.0.0.1:{brokerPort}",
            "--data", Path.Combine(data, "devices"), "--fleet-key", keyPath, "--id-prefix", prefix,
            "--fps", fps.ToString(CultureInfo.InvariantCulture), "--window", "100",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("fleet-device did not start");
        return new SimulatedAgent(process, data, prefix);
    }

    /// <summary>The last lines the agent wrote.</summary>
    public string Log()
    {
        lock (_log)
        {
            var text = _log.ToString();
            return text.Length > 3000 ? text[^3000..] : text;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_data, recursive: true);
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
