using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Fleet.Tests.EndToEnd;

/// <summary>A real <c>fleet-device --simulate N</c> process (real ONNX Runtime, real MQTT) whose output is kept for failure messages.</summary>
internal sealed class DeviceAgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly string _data;

    private DeviceAgentProcess(Process process, string data)
    {
        _process = process;
        _data = data;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Throws with the agent's output when it exited on its own.</summary>
    public void ThrowIfExited()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException("fleet-device exited:\n" + Tail());
        }
    }

    public static async Task<DeviceAgentProcess> StartAsync(HttpClient gateway, int brokerPort, string prefix, int devices, params string[] extra)
    {
        var data = Directory.CreateTempSubdirectory("fleet-agent-").FullName;
        var keyPath = Path.Combine(data, "fleet-key.pub.pem");
        await File.WriteAllTextAsync(keyPath, await gateway.GetStringAsync("/api/v1/fleet/key"));
        var binary = Path.Combine(AppContext.BaseDirectory, "fleet-device");
        var psi = new ProcessStartInfo(File.Exists(binary) ? binary : Path.ChangeExtension(binary, ".dll"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "--simulate", devices.ToString(CultureInfo.InvariantCulture),
            "--broker", $"127.0.0.1:{brokerPort}", "--data", Path.Combine(data, "devices"),
            "--fleet-key", keyPath, "--id-prefix", prefix,
        }.Concat(extra))
        {
            psi.ArgumentList.Add(argument);
        }

        return new DeviceAgentProcess(Process.Start(psi) ?? throw new InvalidOperationException("fleet-device did not start"), data);
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

    /// <summary>The last few KB of the agent's output.</summary>
    public string Tail()
    {
        lock (_log)
        {
            var text = _log.ToString();
            return text.Length > 6000 ? text[^6000..] : text;
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
}
