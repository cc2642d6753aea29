using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fleet.Shared.Security;

namespace Fleet.Shared.Servers;

/// <summary>Whether the nodes of a <see cref="GatewayCluster"/> are up and hold every shard session.</summary>
public sealed partial class GatewayCluster
{
    /// <summary>Node <paramref name="node"/>'s <c>/api/v1/health/ready</c> now; unreachable when it does not answer within 2 s.</summary>
    public async Task<GatewayNodeHealth> HealthAsync(int node, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            using var response = await _probe.GetAsync(new Uri(_nodes[node].BaseAddress, "api/v1/health/ready"), timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            return GatewayNodeHealth.Parse(node, (int)response.StatusCode, body);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return GatewayNodeHealth.Unreachable(node, ex.Message);
        }
    }

    /// <summary>The health of every node in <paramref name="nodes"/> (default <see cref="LiveNodes"/>).</summary>
    public async Task<IReadOnlyList<GatewayNodeHealth>> HealthAsync(IEnumerable<int>? nodes = null, CancellationToken cancellationToken = default) =>
        await Task.WhenAll((nodes ?? LiveNodes).Select(n => HealthAsync(n, cancellationToken))).ConfigureAwait(false);

    /// <summary>
    /// Whether <paramref name="health"/> (one answer per node that should run) shows a whole cluster: every node ready,
    /// and every ingress session connected exactly once across the nodes (each shard hosted by exactly one node when the
    /// nodes list what they host; otherwise every node connected to every session, as a gateway of one node is).
    /// </summary>
    public bool IsWhole(IReadOnlyList<GatewayNodeHealth> health)
    {
        ArgumentNullException.ThrowIfNull(health);
        if (health.Count == 0 || health.Any(h => !h.Ready))
        {
            return false;
        }

        if (health.All(h => h.Hosted is not null))
        {
            var hosted = health.SelectMany(h => h.Hosted!).ToList();
            return hosted.Count == _options.ShardCount
                && hosted.Distinct().Count() == _options.ShardCount
                && health.Sum(h => h.Connected) == _options.ShardCount;
        }

        return health.All(h => h.Connected == _options.ShardCount);
    }

    /// <summary>
    /// Waits until the cluster is whole (<see cref="IsWhole"/>) over <see cref="LiveNodes"/>; fails at once when one of
    /// them exits, and after <paramref name="timeout"/> with every node's last answer and output.
    /// </summary>
    /// <returns>The health answers that showed it whole.</returns>
    public async Task<IReadOnlyList<GatewayNodeHealth>> WaitHealthyAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var started = Clock.GetTimestamp();
        IReadOnlyList<GatewayNodeHealth> last = [];
        while (true)
        {
            ThrowIfAnyExited();
            last = await HealthAsync(LiveNodes, cancellationToken).ConfigureAwait(false);
            if (IsWhole(last))
            {
                return last;
            }

            if (Clock.GetElapsedTime(started) > limit)
            {
                throw new TimeoutException($"the gateway cluster was not whole within {limit} (nodes {string.Join(",", LiveNodes)}).\n{Describe(last)}");
            }

            await Task.Delay(PollInterval, Clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Throws with its output when a node that should run has exited.</summary>
    public void ThrowIfAnyExited()
    {
        foreach (var i in LiveNodes)
        {
            if (!_nodes[i].IsRunning)
            {
                throw new InvalidOperationException($"gateway node {i} exited (code {_nodes[i].ExitCode}) while it should run:\n{_nodes[i].OutputTail()}");
            }
        }
    }

    /// <summary>Every node's last health answer and output tail, for a failure message.</summary>
    public string Describe(IReadOnlyList<GatewayNodeHealth>? health = null)
    {
        var text = new StringBuilder();
        foreach (var node in _nodes)
        {
            var answer = health?.FirstOrDefault(h => h.Node == node.Index);
            text.Append(CultureInfo.InvariantCulture, $"--- node {node.Index} ({node.BaseAddress}, {node.Address}, pid {node.ProcessId?.ToString(CultureInfo.InvariantCulture) ?? "none"}, exit {node.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-"}{(node.IsPaused ? ", paused" : "")})\n");
            if (answer is not null)
            {
                text.Append("ready: ").AppendLine(answer.Raw.Length > 1500 ? answer.Raw[..1500] : answer.Raw);
            }

            text.AppendLine(node.OutputTail(3000));
        }

        return text.ToString();
    }
}
