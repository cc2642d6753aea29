using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fleet.Shared.Security;

namespace Fleet.Shared.Servers;

/// <summary>One node's answer to <c>/api/v1/health/ready</c>.</summary>
/// <param name="Node">The node's index in its cluster.</param>
/// <param name="Reachable">Whether the node answered at all.</param>
/// <param name="Ready">200: the node is up and every ingress session it hosts is connected and none held.</param>
/// <param name="Connected">Ingress sessions connected on this node (<c>shards.connected</c>).</param>
/// <param name="Hosted">The ingress shards this node hosts (<c>shards.hosted</c>), when the gateway says.</param>
/// <param name="Address">The node's cluster address (<c>node</c>), when the gateway says.</param>
/// <param name="Raw">The answer as received (or why there was none).</param>
public sealed record GatewayNodeHealth(int Node, bool Reachable, bool Ready, int Connected, IReadOnlyList<int>? Hosted, string? Address, string Raw)
{
    internal static GatewayNodeHealth Unreachable(int node, string why) => new(node, false, false, 0, null, null, "unreachable: " + why);

    internal static GatewayNodeHealth Parse(int node, int status, string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var connected = 0;
            IReadOnlyList<int>? hosted = null;
            if (root.TryGetProperty("shards", out var shards) && shards.ValueKind == JsonValueKind.Object)
            {
                if (shards.TryGetProperty("connected", out var c) && c.ValueKind == JsonValueKind.Number)
                {
                    connected = c.GetInt32();
                }

                if (shards.TryGetProperty("hosted", out var h) && h.ValueKind == JsonValueKind.Array)
                {
                    hosted = [.. h.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Number).Select(e => e.GetInt32())];
                }
            }

            var address = root.TryGetProperty("node", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            return new GatewayNodeHealth(node, true, status == 200, connected, hosted, address, body);
        }
        catch (JsonException)
        {
            return new GatewayNodeHealth(node, true, false, 0, null, null, string.Create(CultureInfo.InvariantCulture, $"HTTP {status}: {body}"));
        }
    }
}
