using System.Globalization;
using System.Net;
using System.Text;
using Fleet.Gateway.Hosting;
using Fleet.Shared.Protocol;
using Fleet.Tests.Gateway.Infrastructure;
using Fleet.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Fleet.Tests.Gateway.Ingress;

/// <summary>
/// Malformed MQTT payloads over every topic kind, published to a real broker and gateway by a foreign
/// client (mosquitto_pub): each is rejected with a logged, counted reason, registers no device, and a
/// well-behaved device on the same gateway keeps being served throughout.
/// </summary>
public sealed class BadPayloadCampaignTests(GatewayFixture gateway, ITestOutputHelper output) : IClassFixture<GatewayFixture>
{
    /// <summary>A bad message: where (a device topic kind, or a whole topic for topic-level faults) and what.</summary>
    public sealed record BadMessage(string Name, string Kind, byte[] Payload, string? Topic = null);

    [Fact]
    public async Task EveryKindOfBadPayload_IsRejected_AndOtherTrafficIsUntouched()
    {
        var counters = gateway.Host.Services.GetRequiredService<FleetRuntime>().Counters;
        var controlId = "control-" + Guid.NewGuid().ToString("N")[..8];
        await using var control = await TestDevice.ConnectAsync(gateway.BrokerPort, controlId);
        await control.StatusAsync();
        await control.ReportAsync();
        var cases = Cases().ToList();
        var failures = new List<string>();
        var served = 0L;
        for (var i = 0; i < cases.Count; i++)
        {
            var bad = cases[i];
            var id = "bad-" + i.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];
            var shard = Sharding.ShardOf(id);
            var topic = bad.Topic?
                .Replace("{id}", id, StringComparison.Ordinal)
                .Replace("{shard}", shard.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{wrongshard}", ((shard + 1) % Sharding.DefaultShardCount).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                ?? Topics.FromDevice(id, Enum.Parse<TopicKind>(bad.Kind, ignoreCase: true));
            var rejected = counters.Rejected.Value;
            await PublishAsync(id, topic, bad.Payload);
            try
            {
                await Eventually.TrueAsync(() => counters.Rejected.Value > rejected, "the rejection of " + bad.Name, TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                failures.Add($"{bad.Name} on {topic}: not rejected");
                continue;
            }

            if ((await gateway.Reader.GetAsync($"/api/v1/devices/{id}")).StatusCode != HttpStatusCode.NotFound)
            {
                failures.Add($"{bad.Name} on {topic}: registered a device");
            }

            if (i % 10 == 9)
            {
                // The well-behaved device's telemetry keeps arriving between the bad messages.
                await control.TelemetryAsync(kl: 0.01);
                var expected = ++served;
                await gateway.DeviceWhenAsync(controlId, d => d.GetProperty("twin").GetProperty("metrics").GetProperty("telemetryCount").GetInt64() == expected, "the control device's telemetry");
            }
        }

        var ready = await gateway.Reader.GetAsync("/api/v1/health/ready");
        output.WriteLine($"bad MQTT payloads tried: {cases.Count}, handled well: {cases.Count - failures.Count}");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.True(cases.Count >= 114, $"only {cases.Count} kinds");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private async Task PublishAsync(string id, string topic, byte[] payload)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, payload);
            var result = await ProcessRunner.RunAsync("mosquitto_pub",
                ["-V", "5", "-h", "127.0.0.1", "-p", gateway.BrokerPort.ToString(CultureInfo.InvariantCulture), "-i", id, "-q", "1", "-t", topic, "-f", file],
                TimeSpan.FromSeconds(30));
            Assert.True(result.ExitCode == 0, result.StandardError);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static byte[] U(string text) => Encoding.UTF8.GetBytes(text);

    private static IEnumerable<BadMessage> Cases()
    {
        string[] kinds = ["status", "report", "telemetry", "events", "commandResult"];
        var generic = new (string Name, byte[] Payload)[]
        {
            ("empty", []), ("hello world", U("hello world")), ("null", U("null")), ("array", U("[]")), ("number", U("42")), ("string", U("\"v1\"")),
            ("truncated", U("""{"v":1,"seq":""")), ("v 2", U("""{"v":2}""")), ("v as text", U("""{"v":"1","seq":1}""")), ("no v", U("""{"seq":1}""")),
            ("v only", U("""{"v":1}""")), ("invalid UTF-8", [.. U("""{"v":1,"seq":1,"x":" """), 0xC3, 0x28, 0xFF, .. U("\"}")]),
            ("lone surrogate", U("""{"v":1,"seq":1,"x":"\udc00"}""")), ("non-finite number", U("""{"v":1,"seq":1,"x":1e400}""")),
            ("deep nesting", U("""{"v":1,"seq":1,"x":""" + new string('[', 100) + new string(']', 100) + "}")),
            ("over the size limit", U("""{"v":1,"seq":1,"pad":" """ + new string('x', WireLimits.MaxPayloadBytes) + "\"}")),
            ("negative seq", U("""{"v":1,"seq":-1}""")), ("seq as text", U("""{"v":1,"seq":"1"}""")), ("seq 1e400", U("""{"v":1,"seq":1e400}""")),
            ("seq fractional", U("""{"v":1,"seq":1.5}""")), ("trailing garbage", U("""{"v":1,"seq":1}}""")), ("binary", [0, 1, 2, 3, 0xFE, 0xFF]),
        };
        foreach (var kind in kinds)
        {
            foreach (var (name, payload) in generic)
            {
                yield return new($"{kind}: {name}", kind, payload);
            }
        }

        foreach (var (name, json) in new[]
        {
            ("unknown state", """{"v":1,"seq":1,"state":"asleep"}"""), ("state as integer", """{"v":1,"seq":1,"state":1}"""),
            ("unknown reason", """{"v":1,"seq":1,"state":"offline","reason":"bored"}"""), ("state null", """{"v":1,"seq":1,"state":null}"""),
            ("negative epoch", """{"v":1,"seq":1,"epoch":-5,"state":"online"}"""), ("agent too long", $$"""{"v":1,"seq":1,"state":"online","agent":"{{new string('a', 5000)}}"}"""),
        })
        {
            yield return new($"status: {name}", "status", U(json));
        }

        foreach (var (name, json) in new[]
        {
            ("unknown health", """{"v":1,"seq":1,"health":"fine"}"""), ("health as integer", """{"v":1,"seq":1,"health":1}"""),
            ("model without id", """{"v":1,"seq":1,"health":"healthy","model":{"version":"1.0.0","source":"active"}}"""),
            ("model version 200 chars", $$$"""{"v":1,"seq":1,"health":"healthy","model":{"id":"m","version":"{{{new string('1', 200)}}}","source":"active"}}"""),
            ("unknown model source", """{"v":1,"seq":1,"health":"healthy","model":{"id":"m","version":"1","source":"ether"}}"""),
            ("negative desiredVersion", """{"v":1,"seq":1,"health":"healthy","desiredVersion":-1}"""),
            ("klMax 1e400", """{"v":1,"seq":1,"health":"healthy","thresholds":{"klMax":1e400}}"""),
            ("cannotApply without reason", """{"v":1,"seq":1,"health":"healthy","cannotApply":{"version":2}}"""),
            ("model id with a control character", """{"v":1,"seq":1,"health":"healthy","model":{"id":"m\u0001","version":"1","source":"active"}}"""),
        })
        {
            yield return new($"report: {name}", "report", U(json));
        }

        foreach (var (name, json) in new[]
        {
            ("kl as text", """{"v":1,"seq":1,"kl":"high"}"""), ("kl 1e400", """{"v":1,"seq":1,"kl":1e400}"""), ("kl -1e400", """{"v":1,"seq":1,"kl":-1e400}"""),
            ("negative inferences", """{"v":1,"seq":1,"inferences":-1}"""), ("inferences fractional", """{"v":1,"seq":1,"inferences":1.5}"""),
            ("negative window", """{"v":1,"seq":1,"window":-10}"""), ("heals as text", """{"v":1,"seq":1,"heals":"two"}"""),
        })
        {
            yield return new($"telemetry: {name}", "telemetry", U(json));
        }

        foreach (var (name, json) in new[]
        {
            ("no type", """{"v":1,"seq":1,"id":"h","diagnosis":"hardware","outcome":"healed"}"""),
            ("unknown type", """{"v":1,"seq":1,"type":"teleport"}"""),
            ("heal trigger gremlins", """{"v":1,"seq":1,"type":"heal","id":"h","diagnosis":"hardware","trigger":"gremlins","outcome":"healed"}"""),
            ("heal id 200 chars", $$"""{"v":1,"seq":1,"type":"heal","id":"{{new string('h', 200)}}","diagnosis":"hardware","outcome":"healed"}"""),
            ("heal id blank", """{"v":1,"seq":1,"type":"heal","id":"  ","diagnosis":"hardware","outcome":"healed"}"""),
            ("heal unknown rung", """{"v":1,"seq":1,"type":"heal","id":"h","diagnosis":"hardware","outcome":"healed","rungs":[{"rung":"pray","validation":"pass"}]}"""),
            ("heal rung without validation", """{"v":1,"seq":1,"type":"heal","id":"h","diagnosis":"hardware","outcome":"healed","rungs":[{"rung":"reload"}]}"""),
            ("heal rungs not a list", """{"v":1,"seq":1,"type":"heal","id":"h","diagnosis":"hardware","outcome":"healed","rungs":"reload"}"""),
            ("heal null rung", """{"v":1,"seq":1,"type":"heal","id":"h","diagnosis":"hardware","outcome":"healed","rungs":[null]}"""),
            ("heal unknown diagnosis", """{"v":1,"seq":1,"type":"heal","id":"h","diagnosis":"cosmicRays","outcome":"healed"}"""),
            ("heal unknown outcome", """{"v":1,"seq":1,"type":"heal","id":"h","diagnosis":"hardware","outcome":"maybe"}"""),
            ("heal output without sampleRate", """{"v":1,"seq":1,"type":"heal","id":"h","diagnosis":"hardware","outcome":"healed","output":{"clean":"AAAA"}}"""),
            ("heal output bad base64", """{"v":1,"seq":1,"type":"heal","id":"h","diagnosis":"hardware","outcome":"healed","output":{"sampleRate":8000,"clean":"***"}}"""),
            ("heal model version 200 chars", $$"""{"v":1,"seq":1,"type":"heal","id":"h","diagnosis":"hardware","outcome":"healed","modelVersion":"{{new string('9', 200)}}"}"""),
            ("insight empty signature", """{"v":1,"seq":1,"type":"insight","signature":""}"""),
            ("insight signature with a newline", """{"v":1,"seq":1,"type":"insight","signature":"a\nb"}"""),
            ("insight signature 5000 chars", $$"""{"v":1,"seq":1,"type":"insight","signature":"{{new string('s', 5000)}}"}"""),
            ("insight kl mean 1e400", """{"v":1,"seq":1,"type":"insight","signature":"s","kl":{"windows":1,"mean":1e400,"max":1}}"""),
            ("insight region centroid 1e400", """{"v":1,"seq":1,"type":"insight","signature":"s","region":{"centroid":[1e400]}}"""),
            ("update negative desiredVersion", """{"v":1,"seq":1,"type":"update","desiredVersion":-1,"outcome":"committed"}"""),
            ("update unknown outcome", """{"v":1,"seq":1,"type":"update","desiredVersion":1,"outcome":"exploded"}"""),
            ("validation unknown verdict", """{"v":1,"seq":1,"type":"validation","verdict":"maybe"}"""),
            ("validation negative cases", """{"v":1,"seq":1,"type":"validation","verdict":"pass","cases":-1}"""),
        })
        {
            yield return new($"events: {name}", "events", U(json));
        }

        foreach (var (name, json) in new[]
        {
            ("ok as text", """{"v":1,"seq":1,"id":"c-1","ok":"yes"}"""), ("no id", """{"v":1,"seq":1,"ok":true}"""),
            ("id 200 chars", $$"""{"v":1,"seq":1,"id":"{{new string('c', 200)}}","ok":true}"""), ("error too long", $$"""{"v":1,"seq":1,"id":"c","ok":false,"error":"{{new string('e', 5000)}}"}"""),
        })
        {
            yield return new($"cmd-result: {name}", "commandResult", U(json));
        }

        var status = U("""{"v":1,"seq":1,"state":"online"}""");
        yield return new("topic: wrong shard", "status", status, "fleet/v1/s/{wrongshard}/{id}/status");
        yield return new("topic: unknown kind", "status", status, "fleet/v1/s/{shard}/{id}/selfie");
        yield return new("topic: extra level", "status", status, "fleet/v1/s/{shard}/{id}/status/extra");
        yield return new("topic: no kind", "status", status, "fleet/v1/s/{shard}/{id}");
        yield return new("topic: device id breaking the rule", "status", status, "fleet/v1/s/{shard}/-{id}/status");
        yield return new("topic: gateway-bound desired under a shard", "status", status, "fleet/v1/s/{shard}/{id}/desired");
    }
}
