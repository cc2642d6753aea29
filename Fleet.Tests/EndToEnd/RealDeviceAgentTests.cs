using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Infrastructure;

namespace Fleet.Tests.EndToEnd;

/// <summary>
/// The real device agent (fleet-device --simulate, a separate process with real ONNX Runtime) against the
/// real gateway (managed Mosquitto, SQLite): devices appear as twins, desired state and commands round-trip,
/// and an injected bit flip is healed on the device and recorded in the gateway's heal log.
/// </summary>
public sealed class RealDeviceAgentTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>, IAsyncLifetime
{
    private const int Devices = 3;
    private readonly string _prefix = "e2e" + Guid.NewGuid().ToString("N")[..4];
    private readonly string _data = Directory.CreateTempSubdirectory("fleet-e2e-").FullName;
    private Process? _agent;

    private readonly System.Text.StringBuilder _log = new();

    private void Log(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    private string AgentLog()
    {
        lock (_log)
        {
            var text = _log.ToString();
            return text.Length > 4000 ? text[^4000..] : text;
        }
    }

    private string DeviceId(int i) => $"{_prefix}-{i:000}";

    public async Task InitializeAsync()
    {
        var keyPath = Path.Combine(_data, "fleet-key.pub.pem");
        await File.WriteAllTextAsync(keyPath, await gateway.Reader.GetStringAsync("/api/v1/fleet/key"));
        var binary = Path.Combine(AppContext.BaseDirectory, "fleet-device");
        var psi = new ProcessStartInfo(File.Exists(binary) ? binary : Path.ChangeExtension(binary, ".dll"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "--simulate", Devices.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--broker", $"127.0.0.1:{gateway.BrokerPort}", "--data", Path.Combine(_data, "devices"),
            "--fleet-key", keyPath, "--id-prefix", _prefix, "--fps", "20", "--window", "100",
        })
        {
            psi.ArgumentList.Add(argument);
        }

        _agent = Process.Start(psi) ?? throw new InvalidOperationException("fleet-device did not start");
        _agent.OutputDataReceived += (_, e) => Log(e.Data);
        _agent.ErrorDataReceived += (_, e) => Log(e.Data);
        _agent.BeginOutputReadLine();
        _agent.BeginErrorReadLine();
    }

    public async Task DisposeAsync()
    {
        if (_agent is { HasExited: false })
        {
            _agent.Kill(entireProcessTree: true);
            await _agent.WaitForExitAsync();
        }

        _agent?.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task RealAgents_BecomeTwins_ApplyDesiredState_AnswerCommands_AndReportHeals()
    {
        var timeout = TimeSpan.FromSeconds(90);
        for (var i = 1; i <= Devices; i++)
        {
            var detail = await DeviceWhenAsync(DeviceId(i), d => Twin(d) is { } t
                && t.GetProperty("online").GetBoolean()
                && t.GetProperty("reported").ValueKind == JsonValueKind.Object
                && t.GetProperty("reported").GetProperty("model").GetProperty("id").GetString() == "vocoder", "device online with the vocoder", timeout);
            Assert.Equal("healthy", Twin(detail)!.Value.GetProperty("reported").GetProperty("health").GetString());
        }

        var target = DeviceId(1);
        var current = (await gateway.Reader.GetFromJsonAsync<JsonElement>($"/api/v1/devices/{target}")).GetProperty("twin").GetProperty("desiredVersion").GetInt32();
        var put = await gateway.Operator.PutAsJsonAsync($"/api/v1/devices/{target}/desired", new { expectedVersion = current, thresholds = new { klMax = 0.9 } });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        var version = (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32();
        await DeviceWhenAsync(target, d => Twin(d) is { } t && t.GetProperty("reported").TryGetProperty("desiredVersion", out var applied)
            && applied.ValueKind == JsonValueKind.Number && applied.GetInt32() >= version, "desired thresholds applied", timeout);

        var command = await gateway.Operator.PostAsJsonAsync($"/api/v1/devices/{target}/commands", new { name = "validate", timeoutSeconds = 30 });
        var answer = await command.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(command.IsSuccessStatusCode, answer.GetRawText());

        var flipped = DeviceId(2);
        var inject = await gateway.Operator.PostAsJsonAsync($"/api/v1/devices/{flipped}/commands",
            new { name = "injectFault", args = new { fault = "bitflip:exponent" }, timeoutSeconds = 30 });
        Assert.True(inject.IsSuccessStatusCode, await inject.Content.ReadAsStringAsync());
        var healed = await DeviceWhenAsync(flipped, d => d.GetProperty("heals").GetArrayLength() > 0, "a heal event from the device", timeout);
        var heal = healed.GetProperty("heals")[0];
        Assert.Equal("hardware", heal.GetProperty("diagnosis").GetString());
        Assert.Equal("healed", heal.GetProperty("outcome").GetString());
    }

    private static JsonElement? Twin(JsonElement detail) =>
        detail.TryGetProperty("twin", out var twin) && twin.ValueKind == JsonValueKind.Object ? twin : null;

    private async Task<JsonElement> DeviceWhenAsync(string id, Func<JsonElement, bool> condition, string what, TimeSpan timeout)
    {
        string? last = null;
        string found;
        try
        {
            found = await Eventually.ValueAsync<string>(async () =>
            {
                if (_agent is { HasExited: true })
                {
                    throw new InvalidOperationException($"fleet-device exited with code {_agent.ExitCode}:\n{AgentLog()}");
                }

                var response = await gateway.Reader.GetAsync($"/api/v1/devices/{id}");
                last = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode)
                {
                    return null;
                }

                var body = JsonDocument.Parse(last).RootElement;
                return condition(body) ? body.GetRawText() : null;
            }, $"{id}: {what}", timeout);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nlast answer: {last}\nagent log tail:\n{AgentLog()}", ex);
        }

        return JsonDocument.Parse(found).RootElement;
    }
}
