using System.Net;
using System.Text;
using System.Text.Json;
using Fleet.Tests.Gateway.Infrastructure;
using Xunit.Abstractions;

namespace Fleet.Tests.Gateway.Api;

/// <summary>
/// Hundreds of kinds of bad HTTP requests against a real gateway: each must be answered with a 4xx
/// problem+json whose <c>detail</c> says what was wrong — never a 500, never an empty body.
/// </summary>
public sealed class BadRequestCampaignTests(GatewayFixture gateway, ITestOutputHelper output) : IClassFixture<GatewayFixture>
{
    private const string Json = "application/json";

    private static readonly HashSet<int> Expected = [400, 401, 403, 404, 405, 409, 413, 415, 422];

    /// <summary>One bad request: who sends it (operator, reader, none, bogus), what, where.</summary>
    public sealed record BadRequest(string Name, HttpMethod Method, string Path, string? Body = null, string? ContentType = Json, string Token = "operator");

    [Fact]
    public async Task EveryKindOfBadRequest_IsA4xxProblemWithADetail()
    {
        var device = "camp-" + Guid.NewGuid().ToString("N")[..8];
        await using (var d = await TestDevice.ConnectAsync(gateway.BrokerPort, device))
        {
            await d.ReportAsync();
            await gateway.DeviceWhenAsync(device, _ => true, "the campaign's device");
        }

        await gateway.PushModelAsync("camp-model", "1.0.0");
        var cases = Cases(device).ToList();
        var failures = new List<string>();
        foreach (var bad in cases)
        {
            var verdict = await TryAsync(bad);
            if (verdict is not null)
            {
                failures.Add($"{bad.Name} ({bad.Method} {bad.Path}): {verdict}");
            }
        }

        output.WriteLine($"bad HTTP requests tried: {cases.Count}, handled well: {cases.Count - failures.Count}");
        Assert.True(cases.Count >= 200, $"only {cases.Count} kinds");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private async Task<string?> TryAsync(BadRequest bad)
    {
        using var client = bad.Token switch
        {
            "operator" => gateway.Host.Client(gateway.Host.OperatorToken),
            "reader" => gateway.Host.Client(gateway.Host.ReaderToken),
            "bogus" => gateway.Host.Client("flt_bogus"),
            _ => gateway.Host.Client(null),
        };
        using var request = new HttpRequestMessage(bad.Method, bad.Path);
        if (bad.Body is not null)
        {
            request.Content = new StringContent(bad.Body, Encoding.UTF8);
            request.Content.Headers.ContentType = bad.ContentType is null ? null : System.Net.Http.Headers.MediaTypeHeaderValue.Parse(bad.ContentType);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        if (!Expected.Contains(status))
        {
            return $"status {status}: {Shorten(text)}";
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"status {status} as {response.Content.Headers.ContentType?.MediaType ?? "no content type"}: {Shorten(text)}";
        }

        try
        {
            var detail = JsonDocument.Parse(text).RootElement.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            return string.IsNullOrWhiteSpace(detail) ? $"status {status} without a detail: {Shorten(text)}" : null;
        }
        catch (JsonException)
        {
            return $"status {status} with a body that is not JSON: {Shorten(text)}";
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private static IEnumerable<BadRequest> Cases(string device)
    {
        var get = HttpMethod.Get;
        var put = HttpMethod.Put;
        var post = HttpMethod.Post;
        const string desiredOk = """{"expectedVersion":0,"thresholds":{"klMax":0.3}}""";
        const string commandOk = """{"name":"reportNow","timeoutSeconds":1}""";

        // Ids that break the device id rule, in every device route. (A NUL in the path never reaches the gateway:
        // Kestrel refuses the request line itself, with a bare 400.)
        string[] badIds = ["-lead", ".dot", "_under", "a%20b", "a%2Fb", new('a', 65), "d%C3%A9v", "a;b", "a*b", "a%22b", "a%3Cscript%3E"];
        foreach (var id in badIds)
        {
            yield return new($"get device {id}", get, $"/api/v1/devices/{id}");
            yield return new($"metrics of {id}", get, $"/api/v1/devices/{id}/metrics");
            yield return new($"waveforms of {id}", get, $"/api/v1/devices/{id}/waveforms");
            yield return new($"desired of {id}", put, $"/api/v1/devices/{id}/desired", desiredOk);
            yield return new($"command to {id}", post, $"/api/v1/devices/{id}/commands", commandOk);
            yield return new($"quarantine {id}", post, $"/api/v1/devices/{id}/quarantine", """{"reason":"x"}""");
            yield return new($"release {id}", post, $"/api/v1/devices/{id}/release");
            yield return new($"provision {id}", post, $"/api/v1/devices/{id}/provision");
        }

        // Unregistered (valid) ids.
        const string ghost = "ghost-device-0";
        yield return new("desired of an unknown device", put, $"/api/v1/devices/{ghost}/desired", desiredOk);
        yield return new("command to an unknown device", post, $"/api/v1/devices/{ghost}/commands", commandOk);
        yield return new("quarantine an unknown device", post, $"/api/v1/devices/{ghost}/quarantine", """{"reason":"x"}""");
        yield return new("release an unknown device", post, $"/api/v1/devices/{ghost}/release");
        yield return new("metrics of an unknown device", get, $"/api/v1/devices/{ghost}/metrics");
        yield return new("waveforms of an unknown device", get, $"/api/v1/devices/{ghost}/waveforms");

        // Query strings.
        foreach (var query in new[]
        {
            "limit=abc", "limit=0", "limit=1001", "limit=-5", "limit=1e400", "limit=99999999999", "limit=", "limit=1.5",
            "online=maybe", "online=2", "quarantined=perhaps", "shard=-1", "shard=64", "shard=x", "shard=1e3",
            "health=sick", "health=HEALTHY", "after=garbage", "after=%00", "after=" + new string('z', 300),
        })
        {
            yield return new($"device list ?{query}", get, "/api/v1/devices?" + query);
        }

        foreach (var query in new[] { "limit=abc", "limit=0", "limit=100000", "after=garbage", "after=1-2-3" })
        {
            yield return new($"incidents ?{query}", get, "/api/v1/incidents?" + query);
            yield return new($"audit ?{query}", get, "/api/v1/audit?" + query);
        }

        foreach (var query in new[] { "points=abc", "points=0", "points=-1", "points=100000", "points=1e400" })
        {
            yield return new($"metrics ?{query}", get, $"/api/v1/devices/{device}/metrics?{query}");
        }

        foreach (var query in new[] { "state=bogus", "state=1", "state=running,nonsense" })
        {
            yield return new($"rollouts ?{query}", get, "/api/v1/rollouts?" + query);
        }

        yield return new("provision ?rotate=maybe", post, $"/api/v1/devices/new-dev-1/provision?rotate=maybe");
        yield return new("provision ?credentials=pgp", post, $"/api/v1/devices/new-dev-1/provision?credentials=pgp");
        yield return new("events ?device=-bad", get, "/api/v1/events?device=-bad");

        // Desired-state bodies.
        foreach (var (name, body) in new[]
        {
            ("malformed", "{"), ("array", "[]"), ("string", "\"x\""), ("null", "null"), ("number", "42"), ("trailing garbage", desiredOk + "}"),
            ("expectedVersion as text", """{"expectedVersion":"zero","thresholds":{"klMax":0.3}}"""),
            ("negative expectedVersion", """{"expectedVersion":-1,"thresholds":{"klMax":0.3}}"""),
            ("no expectedVersion", """{"thresholds":{"klMax":0.3}}"""),
            ("expectedVersion overflow", """{"expectedVersion":2147483648,"thresholds":{"klMax":0.3}}"""),
            ("expectedVersion 1e400", """{"expectedVersion":1e400,"thresholds":{"klMax":0.3}}"""),
            ("expectedVersion fractional", """{"expectedVersion":0.5,"thresholds":{"klMax":0.3}}"""),
            ("nothing to change", """{"expectedVersion":0}"""),
            ("klMax 1e400", """{"expectedVersion":0,"thresholds":{"klMax":1e400}}"""),
            ("klMax -1e400", """{"expectedVersion":0,"thresholds":{"klMax":-1e400}}"""),
            ("klMax NaN string", """{"expectedVersion":0,"thresholds":{"klMax":"NaN"}}"""),
            ("klMax zero", """{"expectedVersion":0,"thresholds":{"klMax":0}}"""),
            ("klMax negative", """{"expectedVersion":0,"thresholds":{"klMax":-0.2}}"""),
            ("klMax text", """{"expectedVersion":0,"thresholds":{"klMax":"high"}}"""),
            ("inputShiftMax 1e999", """{"expectedVersion":0,"thresholds":{"inputShiftMax":1e999}}"""),
            ("thresholds array", """{"expectedVersion":0,"thresholds":[0.3]}"""),
            ("model empty", """{"expectedVersion":0,"model":{}}"""),
            ("model without version", """{"expectedVersion":0,"model":{"id":"camp-model"}}"""),
            ("model not registered", """{"expectedVersion":0,"model":{"id":"camp-model","version":"9.9.9"}}"""),
            ("model id bad", """{"expectedVersion":0,"model":{"id":"-x","version":"1.0.0"}}"""),
            ("model as string", """{"expectedVersion":0,"model":"camp-model@1.0.0"}"""),
            ("allowRollback text", """{"expectedVersion":0,"model":{"id":"camp-model","version":"1.0.0","allowRollback":"yes"}}"""),
            ("deep nesting", """{"expectedVersion":0,"thresholds":""" + new string('[', 200) + new string(']', 200) + "}"),
            ("stale expectedVersion", """{"expectedVersion":7,"thresholds":{"klMax":0.3}}"""),
        })
        {
            yield return new($"desired: {name}", put, $"/api/v1/devices/{device}/desired", body);
        }

        yield return new("desired as text/plain", put, $"/api/v1/devices/{device}/desired", desiredOk, "text/plain");
        yield return new("desired without content type", put, $"/api/v1/devices/{device}/desired", desiredOk, null);
        yield return new("desired as form", put, $"/api/v1/devices/{device}/desired", "expectedVersion=0", "application/x-www-form-urlencoded");
        yield return new("desired empty body", put, $"/api/v1/devices/{device}/desired", "");

        // Command bodies.
        foreach (var (name, body) in new[]
        {
            ("malformed", "{\"name\":"), ("no name", """{"timeoutSeconds":1}"""), ("unknown name", """{"name":"selfDestruct"}"""),
            ("name as number", """{"name":123}"""), ("args as string", """{"name":"validate","args":"x"}"""), ("args as array", """{"name":"validate","args":[]}"""),
            ("timeout zero", """{"name":"validate","timeoutSeconds":0}"""), ("timeout negative", """{"name":"validate","timeoutSeconds":-1}"""),
            ("timeout 1e400", """{"name":"validate","timeoutSeconds":1e400}"""), ("timeout too long", """{"name":"validate","timeoutSeconds":301}"""),
            ("timeout text", """{"name":"validate","timeoutSeconds":"soon"}"""), ("null", "null"), ("array", "[1]"),
        })
        {
            yield return new($"command: {name}", post, $"/api/v1/devices/{device}/commands", body);
        }

        yield return new("command as text/plain", post, $"/api/v1/devices/{device}/commands", commandOk, "text/plain");

        // Quarantine bodies.
        foreach (var (name, body) in new[] { ("malformed", "{"), ("no reason", "{}"), ("empty reason", """{"reason":""}"""), ("blank reason", """{"reason":"   "}"""), ("reason as number", """{"reason":5}"""), ("null", "null") })
        {
            yield return new($"quarantine: {name}", post, $"/api/v1/devices/{device}/quarantine", body);
        }

        yield return new("quarantine without body", post, $"/api/v1/devices/{device}/quarantine");

        // Rollouts.
        foreach (var (name, body) in new[]
        {
            ("malformed", "{"), ("empty", "{}"), ("null", "null"), ("array", "[]"),
            ("no model", """{"version":"1.0.0"}"""), ("bad model id", """{"modelId":"-m","version":"1.0.0"}"""),
            ("bad version", """{"modelId":"camp-model","version":"1 0"}"""), ("unregistered version", """{"modelId":"camp-model","version":"7.0.0"}"""),
            ("unregistered model", """{"modelId":"nobody","version":"1.0.0"}"""),
            ("no devices", """{"modelId":"camp-model","version":"1.0.0","devices":[]}"""),
            ("null device", """{"modelId":"camp-model","version":"1.0.0","devices":[null]}"""),
            ("bad device", """{"modelId":"camp-model","version":"1.0.0","devices":["-bad"]}"""),
            ("devices as string", """{"modelId":"camp-model","version":"1.0.0","devices":"all"}"""),
            ("canaryShare 2", """{"modelId":"camp-model","version":"1.0.0","policy":{"canaryShare":2}}"""),
            ("canaryShare negative", """{"modelId":"camp-model","version":"1.0.0","policy":{"canaryShare":-0.1}}"""),
            ("canaryShare 1e400", """{"modelId":"camp-model","version":"1.0.0","policy":{"canaryShare":1e400}}"""),
            ("waveGrowth 0", """{"modelId":"camp-model","version":"1.0.0","policy":{"waveGrowth":0}}"""),
            ("soak negative", """{"modelId":"camp-model","version":"1.0.0","policy":{"soakSeconds":-5}}"""),
            ("soak 1e308", """{"modelId":"camp-model","version":"1.0.0","policy":{"soakSeconds":1e308}}"""),
            ("maxKlRatio text", """{"modelId":"camp-model","version":"1.0.0","policy":{"maxKlRatio":"big"}}"""),
            ("canaryDevices negative", """{"modelId":"camp-model","version":"1.0.0","policy":{"canaryDevices":-3}}"""),
            ("policy as string", """{"modelId":"camp-model","version":"1.0.0","policy":"fast"}"""),
        })
        {
            yield return new($"rollout: {name}", post, "/api/v1/rollouts", body);
        }

        foreach (var action in new[] { "pause", "resume", "abort" })
        {
            yield return new($"{action} unknown rollout", post, $"/api/v1/rollouts/r-nope/{action}");
            yield return new($"{action} bad rollout id", post, $"/api/v1/rollouts/-bad/{action}");
            yield return new($"{action} with malformed body", post, $"/api/v1/rollouts/r-nope/{action}", "{");
        }

        yield return new("get unknown rollout", get, "/api/v1/rollouts/r-nope");
        yield return new("get bad rollout id", get, "/api/v1/rollouts/-bad");

        // Models, insights, distillation.
        string[] badModelIds = ["-x", "a%20b", new('m', 65), "m%C3%BC", "m%3B1"];
        foreach (var id in badModelIds)
        {
            yield return new($"model {id}", get, $"/api/v1/models/{id}");
            yield return new($"model {id} 1.0.0", get, $"/api/v1/models/{id}/1.0.0");
            yield return new($"model 1.0.0 of {id} artifact", get, $"/api/v1/models/{id}/1.0.0/artifact", Token: "none");
            yield return new($"upload {id}", put, $"/api/v1/models/{id}/1.0.0", "onnx", "application/octet-stream");
            yield return new($"upload camp-model {id}", put, $"/api/v1/models/camp-model/{id}", "onnx", "application/octet-stream");
            yield return new($"insights of {id}", get, $"/api/v1/models/{id}/1.0.0/insights");
            yield return new($"distill {id}", post, $"/api/v1/models/{id}/1.0.0/distill", """{"teacher":"1.0.0"}""");
        }

        yield return new("unknown model", get, "/api/v1/models/nobody");
        yield return new("unknown model version", get, "/api/v1/models/camp-model/8.8.8");
        yield return new("unknown artifact", get, "/api/v1/models/camp-model/8.8.8/artifact", Token: "none");
        yield return new("upload garbage", put, "/api/v1/models/camp-model/2.0.0", "this is not a model", "application/octet-stream");
        yield return new("upload empty", put, "/api/v1/models/camp-model/2.0.1", "", "application/octet-stream");
        yield return new("upload JSON", put, "/api/v1/models/camp-model/2.0.2", "{}", Json);
        yield return new("upload multipart garbage", put, "/api/v1/models/camp-model/2.0.3", "--x\r\nnonsense", "multipart/form-data; boundary=x");
        yield return new("upload with bad parent", put, "/api/v1/models/camp-model/2.0.4?parent=-p", "onnx", "application/octet-stream");
        yield return new("upload existing version", put, "/api/v1/models/camp-model/1.0.0", "onnx", "application/octet-stream");
        foreach (var (name, body) in new[]
        {
            ("malformed", "{"), ("no teacher", "{}"), ("teacher unregistered", """{"teacher":"5.5.5"}"""),
            ("bad newVersion", """{"teacher":"1.0.0","newVersion":"-1"}"""), ("teacher as number", """{"teacher":1}"""), ("null", "null"),
        })
        {
            yield return new($"distill: {name}", post, "/api/v1/models/camp-model/1.0.0/distill", body);
        }

        yield return new("distillation unknown", get, "/api/v1/distillations/j-nope");
        yield return new("distillation bad id", get, "/api/v1/distillations/" + new string('j', 200));
        yield return new("insights of an unknown version", get, "/api/v1/models/camp-model/6.6.6/insights");

        // Who may do what.
        string[] reads = ["/api/v1/devices", $"/api/v1/devices/{device}", "/api/v1/fleet/summary", "/api/v1/incidents", "/api/v1/audit", "/api/v1/models", "/api/v1/rollouts", "/api/v1/whoami"];
        foreach (var path in reads)
        {
            yield return new($"{path} without a token", get, path, Token: "none");
            yield return new($"{path} with a bogus token", get, path, Token: "bogus");
        }

        (HttpMethod, string, string?)[] writes =
        [
            (put, $"/api/v1/devices/{device}/desired", desiredOk), (post, $"/api/v1/devices/{device}/commands", commandOk),
            (post, $"/api/v1/devices/{device}/quarantine", """{"reason":"x"}"""), (post, $"/api/v1/devices/{device}/release", null),
            (post, "/api/v1/devices/new-dev-2/provision", null), (post, "/api/v1/rollouts", """{"modelId":"camp-model","version":"1.0.0"}"""),
            (put, "/api/v1/models/camp-model/3.0.0", "onnx"), (post, "/api/v1/models/camp-model/1.0.0/distill", """{"teacher":"1.0.0"}"""),
            (post, "/api/v1/rollouts/r-1/abort", null),
        ];
        foreach (var (method, path, body) in writes)
        {
            yield return new($"{method} {path} as a reader", method, path, body, Token: "reader");
            yield return new($"{method} {path} without a token", method, path, body, Token: "none");
        }

        // Methods and routes that do not exist.
        yield return new("DELETE devices", HttpMethod.Delete, "/api/v1/devices");
        yield return new("PATCH a device", HttpMethod.Patch, $"/api/v1/devices/{device}", "{}");
        yield return new("DELETE a device", HttpMethod.Delete, $"/api/v1/devices/{device}");
        yield return new("POST summary", post, "/api/v1/fleet/summary", "{}");
        yield return new("DELETE models", HttpMethod.Delete, "/api/v1/models");
        yield return new("PUT rollouts", put, "/api/v1/rollouts", "{}");
        yield return new("GET desired", get, $"/api/v1/devices/{device}/desired");
        yield return new("GET commands", get, $"/api/v1/devices/{device}/commands");
        yield return new("unknown route", get, "/api/v1/nope");
        yield return new("unknown version of the API", get, "/api/v2/devices");
        yield return new("too deep a device route", get, $"/api/v1/devices/{device}/x/y/z");
        yield return new("unknown dashboard asset", get, "/assets/nope.js", Token: "none");
        yield return new("dashboard path traversal", get, "/assets/..%2F..%2Fetc%2Fpasswd", Token: "none");
    }
}
