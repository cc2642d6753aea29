using System.Text.Json;
using Fleet.Shared.Servers;
using Fleet.Tests.Gateway.Infrastructure;

namespace Fleet.Tests.Cli;

public sealed class FleetCliTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private string[] Connection(string? token = null) => ["--url", gateway.Host.BaseAddress.ToString(), "--token", token ?? gateway.Host.OperatorToken];

    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task DevicesListAndShow_PrintTheTwin_AsTableAndJson()
    {
        var id = NewId("cli");
        await using var device = await TestDevice.ConnectAsync(gateway.BrokerPort, id);
        await device.StatusAsync();
        await device.ReportAsync(modelVersion: "7.7.7", health: "degraded");
        await gateway.DeviceWhenAsync(id, d => d.GetProperty("device").GetProperty("modelVersion").ValueKind == JsonValueKind.String, "the report");

        var table = await CliRunner.RunAsync(["devices", "list", "--model", "7.7.7", .. Connection(gateway.Host.ReaderToken)]);
        Assert.Equal(0, table.ExitCode);
        Assert.Contains(id, table.Output, StringComparison.Ordinal);
        Assert.Contains("degraded", table.Output, StringComparison.Ordinal);

        var json = await CliRunner.RunAsync(["devices", "list", "--json", "--model", "7.7.7", .. Connection()]);
        var items = JsonDocument.Parse(json.Output).RootElement;
        Assert.Equal(id, Assert.Single(items.EnumerateArray()).GetProperty("id").GetString());

        var show = await CliRunner.RunAsync(["devices", "show", id, .. Connection()]);
        Assert.Equal(0, show.ExitCode);
        Assert.Contains("7.7.7", show.Output, StringComparison.Ordinal);
        Assert.Contains("Heal history", show.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelsPush_SetDesired_AndCommand_ReachTheDevice()
    {
        var id = NewId("cli-d");
        await using var device = await TestDevice.ConnectAsync(gateway.BrokerPort, id);
        await device.StatusAsync();
        await device.ReportAsync();
        await gateway.DeviceWhenAsync(id, d => d.GetProperty("twin").GetProperty("online").GetBoolean(), "the device online");
        var file = Path.Combine(Path.GetTempPath(), id + ".onnx");
        var safety = Fleet.Shared.Models.ReferenceModels.Build().Safety;
        await File.WriteAllBytesAsync(file, safety.Onnx);
        await File.WriteAllTextAsync(file + ".golden.json", safety.Golden.ToJson());
        try
        {
            // The gateway validates every upload in ONNX Runtime: a bare ONNX file comes with its golden set.
            var push = await CliRunner.RunAsync(["models", "push", file, "--id", "cli-model", "--version", id, "--golden", file + ".golden.json", .. Connection()]);
            Assert.True(push.ExitCode == 0, push.Error);
            Assert.Contains("signed", push.Output, StringComparison.Ordinal);
            var list = await CliRunner.RunAsync(["models", "list", "--json", .. Connection()]);
            Assert.Contains(JsonDocument.Parse(list.Output).RootElement.GetProperty("items").EnumerateArray(), m => m.GetProperty("version").GetString() == id);

            var set = await CliRunner.RunAsync(["devices", "set-desired", id, "--model", "cli-model@" + id, "--kl-max", "0.3", .. Connection()]);
            Assert.True(set.ExitCode == 0, set.Error);
            Assert.Contains("version 1", set.Output, StringComparison.Ordinal);
            await Eventually.TrueAsync(() => device.Desired.Any(d => d.Model?.Version == id && d.Thresholds?.KlMax == 0.3), "the desired state at the device");

            var command = await CliRunner.RunAsync(["devices", "command", id, "validate", "--timeout", "20", .. Connection()]);
            Assert.True(command.ExitCode == 0, command.Error);
            Assert.StartsWith("ok", command.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
            File.Delete(file + ".golden.json");
        }
    }

    [Fact]
    public async Task Rejections_ListWhatTheGatewayRejected_AsTableAndJson_AndRefuseABadFilter()
    {
        var id = NewId("cli-r");
        await using var device = await TestDevice.ConnectAsync(gateway.BrokerPort, id);
        await device.PublishAsync(Fleet.Shared.Protocol.TopicKind.Status, new System.Text.Json.Nodes.JsonObject { ["v"] = 1 });

        var listed = await Eventually.ValueAsync<string>(async () =>
        {
            var json = await CliRunner.RunAsync(["rejections", "--device", id, "--json", .. Connection(gateway.Host.ReaderToken)]);
            return json.ExitCode == 0 && JsonDocument.Parse(json.Output).RootElement.GetProperty("items").GetArrayLength() == 1 ? json.Output : null;
        }, "the rejection listed by the CLI");
        var item = JsonDocument.Parse(listed).RootElement.GetProperty("items")[0];
        Assert.Equal(("status", "protocol"), (item.GetProperty("kind").GetString(), item.GetProperty("cause").GetString()));

        var table = await CliRunner.RunAsync(["rejections", "--device", id, .. Connection(gateway.Host.ReaderToken)]);
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("protocol", table.Output, StringComparison.Ordinal);
        Assert.Contains("1 rejected message(s)", table.Output, StringComparison.Ordinal);

        var bad = await CliRunner.RunAsync(["rejections", "--cause", "gremlins", .. Connection(gateway.Host.ReaderToken)]);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("cause must be one of", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cluster_PrintsThisNode_AndTheNodeHostingADevicesShard_AsTableAndJson()
    {
        var id = NewId("cli-c");
        var shard = Fleet.Shared.Protocol.Sharding.ShardOf(id, 64);
        await using var device = await TestDevice.ConnectAsync(gateway.BrokerPort, id);
        await device.StatusAsync();
        await device.ReportAsync();
        await gateway.DeviceWhenAsync(id, d => d.GetProperty("twin").GetProperty("online").GetBoolean(), "the device online");

        // Every ingress session runs on the one node once the daemon has started them all.
        var output = await Eventually.ValueAsync<string>(async () =>
        {
            var json = await CliRunner.RunAsync(["cluster", "--json", .. Connection(gateway.Host.ReaderToken)]);
            Assert.True(json.ExitCode == 0, json.Error);
            var root = JsonDocument.Parse(json.Output).RootElement;
            return root.GetProperty("shards").EnumerateArray().All(s => s.GetProperty("ingress").GetString() == root.GetProperty("node").GetString()) ? json.Output : null;
        }, "every ingress session on this node");
        var cluster = JsonDocument.Parse(output).RootElement;
        Assert.Equal("running", cluster.GetProperty("ingress").GetProperty("state").GetString());
        var node = cluster.GetProperty("node").GetString()!;
        var member = Assert.Single(cluster.GetProperty("members").EnumerateArray());
        Assert.Equal((node, true, true), (member.GetProperty("address").GetString(), member.GetProperty("self").GetBoolean(), member.GetProperty("oldest").GetBoolean()));
        Assert.Equal(node, cluster.GetProperty("shards")[shard].GetProperty("device").GetString());

        var table = await CliRunner.RunAsync(["cluster", .. Connection(gateway.Host.ReaderToken)]);
        Assert.True(table.ExitCode == 0, table.Error);
        var hostPort = node[(node.IndexOf('@', StringComparison.Ordinal) + 1)..];
        Assert.Contains($"answered by {hostPort}: 1 member(s), 64 shards", table.Output, StringComparison.Ordinal);
        Assert.Contains("this node, leader, oldest (singletons)", table.Output, StringComparison.Ordinal);
        var escaped = System.Text.RegularExpressions.Regex.Escape(hostPort);
        Assert.Contains(table.Output.Split('\n'), line => System.Text.RegularExpressions.Regex.IsMatch(line, $@"^\W*{shard}\W+{escaped}\W+{escaped}\W+\d+\W*$"));
        Assert.Contains(table.Output.Split('\n'), line => System.Text.RegularExpressions.Regex.IsMatch(line, $@"^\W*{escaped}\W+64\W+\d+\W+\d+\W*$"));
    }

    [Fact]
    public async Task StatusOnce_AndIncidents_Print()
    {
        var status = await CliRunner.RunAsync(["status", "--once", .. Connection(gateway.Host.ReaderToken)]);
        Assert.True(status.ExitCode == 0, status.Error);
        Assert.Contains("devices", status.Output, StringComparison.Ordinal);
        Assert.Contains("shard sessions", status.Output, StringComparison.Ordinal);

        var incidents = await CliRunner.RunAsync(["incidents", "--json", .. Connection(gateway.Host.ReaderToken)]);
        Assert.Equal(0, incidents.ExitCode);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(incidents.Output).RootElement.GetProperty("items").ValueKind);
    }

    [Fact]
    public async Task Errors_AreOneClearLine()
    {
        var rejected = await CliRunner.RunAsync(["devices", "list", .. Connection("flt_wrong")]);
        Assert.Equal(1, rejected.ExitCode);
        Assert.Contains("token rejected", rejected.Error, StringComparison.Ordinal);

        var readOnly = await CliRunner.RunAsync(["devices", "quarantine", "x-1", "--reason", "test", .. Connection(gateway.Host.ReaderToken)]);
        Assert.Equal(1, readOnly.ExitCode);
        Assert.Contains("read-only", readOnly.Error, StringComparison.Ordinal);

        var nothing = $"http://127.0.0.1:{MosquittoBroker.FreeLoopbackPort()}";
        var refused = await CliRunner.RunAsync(["status", "--once", "--url", nothing, "--token", "x"]);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"is the gateway running at {nothing}", refused.Error, StringComparison.Ordinal);

        var invalid = await CliRunner.RunAsync(["devices", "set-desired", "x-1", "--expected-version", "0", .. Connection()]);
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("model: set a model, thresholds or both", invalid.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommandTheDeviceRefuses_ExitsNonZero_WithTheDevicesError()
    {
        var id = NewId("cli-no");
        await using var device = await TestDevice.ConnectAsync(gateway.BrokerPort, id);
        device.CommandError = "no such fault: gremlins";
        await device.StatusAsync();
        await gateway.DeviceWhenAsync(id, d => d.GetProperty("twin").GetProperty("online").GetBoolean(), "the device online");

        var refused = await CliRunner.RunAsync(["devices", "command", id, "injectFault", "--args", "{\"fault\":\"gremlins\"}", "--timeout", "20", .. Connection()]);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("no such fault: gremlins", refused.Error, StringComparison.Ordinal);

        var json = await CliRunner.RunAsync(["devices", "command", id, "reportNow", "--json", "--timeout", "20", .. Connection()]);
        Assert.Equal(1, json.ExitCode);
        Assert.False(JsonDocument.Parse(json.Output).RootElement.GetProperty("ok").GetBoolean());
    }

    [Theory]
    [InlineData("devices", "set-desired", "x-1", "--kl-max", "1e400")]
    [InlineData("devices", "set-desired", "x-1", "--input-shift-max", "-0.5")]
    [InlineData("devices", "command", "x-1", "validate", "--timeout", "1e999")]
    [InlineData("status", "--once", "--interval", "NaN")]
    public async Task NonFiniteOrNegativeNumbers_AreAParseError_NotAStackTrace(params string[] args)
    {
        var run = await CliRunner.RunAsync([.. args, .. Connection()]);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("finite number above 0", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error + run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonOutput_KeepsPlus_AndTablesKeepTimestampsOnOneLine()
    {
        var id = NewId("cli-plus");
        await using var device = await TestDevice.ConnectAsync(gateway.BrokerPort, id);
        await device.StatusAsync();
        await device.ReportAsync(modelVersion: "2.0.0+b7");
        await gateway.DeviceWhenAsync(id, d => d.GetProperty("device").GetProperty("modelVersion").GetString() == "2.0.0+b7", "the report");

        var json = await CliRunner.RunAsync(["devices", "show", id, "--json", .. Connection()]);
        Assert.Equal(0, json.ExitCode);
        Assert.Contains("\"2.0.0+b7\"", json.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u002B", json.Output, StringComparison.Ordinal);

        var table = await CliRunner.RunAsync(["devices", "list", "--model", "2.0.0+b7", .. Connection()]);
        var row = table.Output.Split('\n').SingleOrDefault(line => line.Contains(id, StringComparison.Ordinal));
        Assert.True(row is not null && System.Text.RegularExpressions.Regex.IsMatch(row, @"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"), table.Output);
    }
}
