using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Shared.Models;
using Fleet.Shared.Models.Packaging;
using Fleet.Tests.EndToEnd;
using Fleet.Tests.Gateway.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Fleet.Tests.Gateway.Cluster;

/// <summary>
/// Chaos 4: a staged rollout to real agents is under way when the oldest node, which runs the cluster singletons (the
/// rollout manager among them), is killed with kill -9. The rollout finishes on the new singleton with the plan it
/// started with (same gates, same devices in the same waves), every device updated once, and no wave run twice.
/// </summary>
[Collection(GatewayClusterCollection.Name)]
public sealed class ClusterRolloutFailoverTests(ITestOutputHelper output)
{
    private const int Devices = 6;

    [Fact]
    public async Task RolloutInFlight_SurvivesKillNineOfTheSingletonNode_AndFinishesWithTheSamePlan()
    {
        var prefix = "cf" + Guid.NewGuid().ToString("N")[..4];
        var ids = GatewayClusterFixture.DeviceIds(prefix, Devices);
        // Devices download models from one address that outlives the killed node, as from a load balancer in front of the nodes.
        await using var fleet = await GatewayClusterFixture.StartAsync(3, ids, publicUrlNode: 2);
        var api = fleet.Operator(1);
        var vocoder = ReferenceModels.Build().Vocoder;
        await PutModelAsync(api, ModelPackage.FromReference(vocoder, "vocoder", "1.0.0"), "1.0.0");
        await PutModelAsync(api, ModelPackage.FromReference(vocoder, "vocoder", "1.1.0", parent: "1.0.0"), "1.1.0");
        await fleet.StartAgentsAsync(prefix, Devices, "--fps", "100", "--window", "80", "--soak-windows", "3");
        foreach (var id in ids)
        {
            await fleet.DeviceWhenAsync(1, id, AgentProbe.OnlineWithVocoder, "online on the reference vocoder");
            // The watchdog's statistical triggers are armed after its warm-up: twelve telemetry windows.
            await Eventually.TrueAsync(async () =>
            {
                var metrics = await api.GetFromJsonAsync<JsonElement>($"/api/v1/devices/{id}/metrics?points=60");
                return metrics.GetProperty("points").GetArrayLength() >= 12;
            }, $"{id}: twelve telemetry windows", TimeSpan.FromSeconds(90));
        }

        var started = await api.PostAsJsonAsync("/api/v1/rollouts", new
        {
            modelId = "vocoder",
            version = "1.1.0",
            policy = new { canaryDevices = 1, waveGrowth = 2, soakSeconds = 2, maxKlRatio = 20, maxLatencyRatio = 20, maxHealRateRatio = 1e6 },
            devices = ids,
        });
        var startedBody = await started.Content.ReadAsStringAsync();
        Assert.True(started.StatusCode == HttpStatusCode.Created, startedBody);
        var rollout = JsonDocument.Parse(startedBody).RootElement.GetProperty("id").GetString()!;

        // Mid-rollout: the canary wave passed its gate and the next wave is under way.
        var waves = new List<int>();
        await RolloutWhenAsync(fleet, 1, rollout, r => Track(waves, r) >= 1, "the canary wave passed", TimeSpan.FromSeconds(120));
        var planBefore = await PlanAsync(fleet, rollout);

        var oldest = 0;
        await fleet.Cluster.Kill9Async(oldest);
        await fleet.WaitWholeAsync();

        var done = await RolloutWhenAsync(fleet, 1, rollout, r => Track(waves, r) >= 0 && r.GetProperty("state").GetString() is "completed" or "rolledBack" or "aborted",
            "the rollout finished on the new singleton", TimeSpan.FromSeconds(180));
        Assert.True(done.GetProperty("state").GetString() == "completed", done.GetRawText());
        Assert.Equal(planBefore, await PlanAsync(fleet, rollout));
        Assert.Equal([1, 2, 3], done.GetProperty("waves").EnumerateArray().Select(w => w.GetProperty("size").GetInt32()));
        // The wave index only ever moved forward: no wave was started again after the kill.
        Assert.Equal(waves.Order(), waves);

        await using var store = await fleet.OpenStoreAsync();
        var results = await ResultsAsync(store, rollout);
        Assert.Equal(ids.Order(StringComparer.Ordinal), results.Keys.Order(StringComparer.Ordinal));
        Assert.All(results, r => Assert.Equal("committed", r.Value));
        var sends = await DesiredWritesAsync(store, rollout);
        Assert.All(ids, id => Assert.True(sends.GetValueOrDefault(id) == 1, $"{id} was sent the rollout's version {sends.GetValueOrDefault(id)} times: {string.Join(", ", sends.Select(s => $"{s.Key}={s.Value}"))}"));
        foreach (var id in ids)
        {
            await fleet.DeviceWhenAsync(2, id, d => AgentProbe.Twin(d) is { } t && t.GetProperty("reported").GetProperty("model").GetProperty("version").GetString() == "1.1.0", "reports 1.1.0");
        }

        output.WriteLine($"rollout {rollout}: wave indexes seen {string.Join(" ", waves.Distinct())}; killed node {oldest} after the canary; completed with the same plan, {results.Count} devices committed, each sent the version once");
    }

    /// <summary>Records the rollout's current wave and returns it.</summary>
    private static int Track(List<int> waves, JsonElement rollout)
    {
        var wave = rollout.GetProperty("currentWave").GetInt32();
        waves.Add(wave);
        return wave;
    }

    private static async Task PutModelAsync(HttpClient api, ModelPackage package, string version)
    {
        var response = await api.PutAsync($"/api/v1/models/vocoder/{version}" + (version == "1.0.0" ? "" : "?parent=1.0.0"), new ByteArrayContent(ModelPackageWriter.Write(package)));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> RolloutWhenAsync(GatewayClusterFixture fleet, int node, string id, Func<JsonElement, bool> condition, string what, TimeSpan timeout)
    {
        string? last = null;
        try
        {
            var found = await Eventually.ValueAsync<string>(async () =>
            {
                fleet.ThrowIfAgentExited();
                fleet.Cluster.ThrowIfAnyExited();
                using var response = await fleet.Operator(node).GetAsync($"/api/v1/rollouts/{id}");
                last = await response.Content.ReadAsStringAsync();
                return response.IsSuccessStatusCode && condition(JsonDocument.Parse(last).RootElement) ? last : null;
            }, what, timeout);
            return JsonDocument.Parse(found).RootElement;
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nlast answer: {last}\n{fleet.Cluster.Describe()}", ex);
        }
    }

    /// <summary>The rollout's plan as stored at its start: policy, gates, waves of device ids, baseline.</summary>
    private static async Task<string> PlanAsync(GatewayClusterFixture fleet, string rollout)
    {
        await using var store = await fleet.OpenStoreAsync();
        await using var command = new NpgsqlCommand("SELECT policy::text FROM fleet.rollouts WHERE id = @id", store);
        command.Parameters.AddWithValue("id", rollout);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<Dictionary<string, string>> ResultsAsync(NpgsqlConnection store, string rollout)
    {
        var results = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand("SELECT device_id, outcome FROM fleet.rollout_results WHERE rollout_id = @id", store);
        command.Parameters.AddWithValue("id", rollout);
        await using var rows = await command.ExecuteReaderAsync();
        while (await rows.ReadAsync())
        {
            results[rows.GetString(0)] = rows.GetString(1);
        }

        return results;
    }

    /// <summary>How many times the rollout wrote each device's desired state (the audit log keeps every write).</summary>
    private static async Task<Dictionary<string, long>> DesiredWritesAsync(NpgsqlConnection store, string rollout)
    {
        var writes = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand("SELECT target, count(*) FROM fleet.audit_log WHERE action = 'device.setDesired' AND actor = @actor GROUP BY target", store);
        command.Parameters.AddWithValue("actor", "rollout/" + rollout);
        await using var rows = await command.ExecuteReaderAsync();
        while (await rows.ReadAsync())
        {
            writes[rows.GetString(0)] = rows.GetInt64(1);
        }

        return writes;
    }
}
