using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Fleet.Cli.Connection;
using Spectre.Console;

namespace Fleet.Cli.Fleet;

/// <summary>
/// <c>fleet cluster</c>: the gateway cluster as the node at <c>--url</c> sees it — members (status, reachability, age,
/// leader, oldest) and, per fleet shard, the node holding its ingress session and the node hosting its twins.
/// </summary>
internal static class ClusterCommand
{
    public static Command Create()
    {
        var command = new Command("cluster", "Gateway cluster members and which node hosts each shard's ingress session and twins");
        command.SetAction((parse, ct) => CliCommon.RunAsync(parse, async (client, output) =>
        {
            var cluster = await client.GetAsync("/api/v1/cluster", ct).ConfigureAwait(false);
            if (output.Json)
            {
                output.WriteJson(cluster);
                return;
            }

            var members = cluster.GetProperty("members").EnumerateArray().ToList();
            var shards = cluster.GetProperty("shards").EnumerateArray().ToList();
            output.Writer.WriteLine($"answered by {Short(CliOutput.Text(cluster, "node"))}: {members.Count} member(s), {CliOutput.Text(cluster, "shardCount")} shards");

            var memberTable = new Table().AddColumns("Node", "Status", "Reachable", "Roles", "Up since", "Up for", "");
            memberTable.Columns[0].NoWrap();
            var ingressStarted = CliOutput.Text(cluster.GetProperty("ingress"), "state") != "notStarted";
            var perNode = new Table().AddColumns("Node", "Ingress sessions", "Device shards", "Twins");
            foreach (var m in members)
            {
                var address = CliOutput.Text(m, "address");
                var tags = new[] { Flag(m, "self", "this node"), Flag(m, "leader", "leader"), Flag(m, "oldest", "oldest (singletons)") }.OfType<string>();
                memberTable.AddRow(
                    Markup.Escape(Short(address)), Markup.Escape(CliOutput.Text(m, "status")), m.GetProperty("reachable").GetBoolean() ? "yes" : "[red]unreachable[/]",
                    Markup.Escape(string.Join(", ", m.GetProperty("roles").EnumerateArray().Select(r => r.GetString()))), Markup.Escape(CliOutput.Time(m, "upSince")),
                    Markup.Escape(Age(m)), Markup.Escape(string.Join(", ", tags)));
                var device = shards.Where(s => CliOutput.Text(s, "device") == address).ToList();
                perNode.AddRow(
                    Markup.Escape(Short(address)),
                    ingressStarted ? shards.Count(s => CliOutput.Text(s, "ingress") == address).ToString(CultureInfo.InvariantCulture) : "—",
                    device.Count.ToString(CultureInfo.InvariantCulture),
                    device.Sum(s => s.GetProperty("twins").GetInt32()).ToString(CultureInfo.InvariantCulture));
            }

            output.Console.Write(memberTable);
            output.Console.Write(perNode);
            WriteRegion(output, "ingress", cluster.GetProperty("ingress"));
            WriteRegion(output, "device twins", cluster.GetProperty("device"));

            var shardTable = new Table().AddColumns("Shard", "Ingress session", "Device twins", "Twins");
            foreach (var s in shards)
            {
                shardTable.AddRow(
                    CliOutput.Text(s, "shard"),
                    Markup.Escape(ingressStarted ? Short(CliOutput.Text(s, "ingress")) : "not started"),
                    Markup.Escape(Short(CliOutput.Text(s, "device"))),
                    CliOutput.Text(s, "twins"));
            }

            output.Console.Write(shardTable);
        }, ct));
        return command.WithConnection();
    }

    private static void WriteRegion(CliOutput output, string name, JsonElement region)
    {
        switch (CliOutput.Text(region, "state"))
        {
            case "notStarted":
                output.Writer.WriteLine($"{name}: not started on this node");
                break;
            case "partial":
                output.Writer.WriteLine($"{name}: {CliOutput.Text(region, "detail")}");
                break;
        }
    }

    /// <summary>akka.tcp://fleet-gateway@10.0.0.5:4053 → 10.0.0.5:4053; empty (not allocated) → —.</summary>
    private static string Short(string address) => address.Length == 0 ? "—" : address[(address.IndexOf('@', StringComparison.Ordinal) + 1)..];

    private static string? Flag(JsonElement member, string property, string text) => member.GetProperty(property).GetBoolean() ? text : null;

    private static string Age(JsonElement member)
    {
        if (member.GetProperty("upSeconds").ValueKind != JsonValueKind.Number)
        {
            return "";
        }

        var seconds = member.GetProperty("upSeconds").GetDouble();
        return seconds switch
        {
            < 90 => $"{seconds:0} s",
            < 5400 => $"{seconds / 60:0} min",
            _ => $"{seconds / 3600:0.0} h",
        };
    }
}
