using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Fleet.Cli;
using Fleet.Shared.Security;
using Fleet.Shared.Servers;
using Fleet.Tests.Gateway.Infrastructure;

namespace Fleet.Tests.Cli.Demo;

/// <summary>
/// <c>fleet demo</c> end to end in a reduced form: the built gateway and device agent as child processes (managed
/// Mosquitto with password authentication, three simulated devices drifting after warm-up), and the story checked
/// through the gateway's API as it happens: the reference vocoder and its safety model registered, a teacher with its
/// parent, devices logged in with provisioned passwords, a distilled version with lineage, a completed canary rollout and,
/// with <c>--bad-canary</c>, a rolled-back one. The broker's address is written where a foreign device can find it.
/// </summary>
public sealed class DemoEndToEndTests : IDisposable
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(120);
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("fleet-demo-");

    public void Dispose() => _data.Delete(recursive: true);

    [Fact]
    public async Task Demo_RegistersTheVocoder_DistilsFromInsights_CanaryRolloutCompletes_BadCanaryIsRolledBack()
    {
        var port = MosquittoBroker.FreeLoopbackPort();
        var brokerPort = MosquittoBroker.FreeLoopbackPort();
        using var stop = new CancellationTokenSource();
        int exit;
        var demo = Task.Run(() => CliRoot.Create().Parse(
        [
            "demo", "--root", RepositoryRoot(), "--data", _data.FullName, "--port", port.ToString(CultureInfo.InvariantCulture),
            "--broker-port", brokerPort.ToString(CultureInfo.InvariantCulture), "--devices", "3", "--fps", "200",
            "--faults", "drift:pitch@0s", "--bad-canary", "--for", "600",
        ]).InvokeAsync(cancellationToken: stop.Token));
        try
        {
            var credentials = Path.Combine(_data.FullName, CredentialsFile.FileName);
            await Eventually.TrueAsync(() => demo.IsCompleted || File.Exists(credentials), "the demo's gateway wrote its credentials", StepTimeout);
            if (demo.IsCompleted)
            {
                Assert.Fail($"the demo exited early with code {await demo}");
            }

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CredentialsFile.Read(credentials)["reader"]);

            // Registered at start through the API, before the devices: the reference vocoder, its safety model, a teacher with lineage.
            await WhenAsync(demo, http, "/api/v1/models/vocoder-safety/1.0.0", _ => true, "the safety model registered");
            await WhenAsync(demo, http, "/api/v1/models/vocoder/1.0.0", _ => true, "the reference vocoder registered");
            var teacher = await WhenAsync(demo, http, "/api/v1/models/vocoder/2.0.0", _ => true, "the teacher registered");
            Assert.Equal("1.0.0", teacher.GetProperty("parentVersion").GetString());

            // Devices log in with their own provisioned password; the broker's address is in the data directory.
            var device = await WhenAsync(demo, http, "/api/v1/devices/demo-001", d => d.TryGetProperty("twin", out var t) && t.ValueKind == JsonValueKind.Object && t.GetProperty("online").GetBoolean(), "demo-001 online");
            Assert.Equal("password", device.GetProperty("device").GetProperty("credentials").GetString());
            Assert.Equal($"127.0.0.1:{brokerPort}", (await File.ReadAllTextAsync(Path.Combine(_data.FullName, "broker-address"))).Trim());

            // The story: a student distilled from the devices' insights, with its lineage.
            var student = await WhenAsync(demo, http, "/api/v1/models/vocoder/1.0.1", _ => true, "a distilled version");
            var lineage = student.GetProperty("card").GetProperty("lineage");
            Assert.Equal("1.0.0", student.GetProperty("parentVersion").GetString());
            Assert.True(lineage.GetProperty("insightIds").GetArrayLength() >= 1, lineage.GetRawText());

            // A canary rollout of it that completes, then the bad version's canary fails and that rollout is rolled back.
            var rollouts = await WhenAsync(demo, http, "/api/v1/rollouts", r => r.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("state").GetString() == "rolledBack"),
                "a rolled-back rollout");
            var items = rollouts.GetProperty("items").EnumerateArray().ToList();
            Assert.Contains(items, i => i.GetProperty("version").GetString() == "1.0.1" && i.GetProperty("state").GetString() == "completed");
            Assert.Contains(items, i => i.GetProperty("version").GetString() == "1.0.2" && i.GetProperty("state").GetString() == "rolledBack");
        }
        finally
        {
            // Stopped like Ctrl-C; awaited so its processes are gone before the data directory is removed.
            await stop.CancelAsync();
            exit = await demo;
        }

        Assert.Equal(0, exit);
    }

    private static async Task<JsonElement> WhenAsync(Task<int> demo, HttpClient http, string path, Func<JsonElement, bool> condition, string what)
    {
        string? last = null;
        try
        {
            var found = await Eventually.ValueAsync(async () =>
            {
                if (demo.IsCompleted)
                {
                    throw new InvalidOperationException($"the demo exited with code {await demo} while waiting for {what}");
                }

                HttpResponseMessage response;
                try
                {
                    response = await http.GetAsync(path);
                }
                catch (HttpRequestException ex)
                {
                    // The gateway writes its credentials before it listens.
                    last = ex.Message;
                    return null;
                }

                using var answer = response;
                last = await response.Content.ReadAsStringAsync();
                return response.IsSuccessStatusCode && condition(JsonDocument.Parse(last).RootElement) ? last : null;
            }, what, StepTimeout);
            return JsonDocument.Parse(found).RootElement.Clone();
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; last answer from {path}: {last}", ex);
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Fleet.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("no Fleet.sln above " + AppContext.BaseDirectory);
    }
}
