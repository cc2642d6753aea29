using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;

namespace Fleet.Gateway.Cluster;

/// <summary>
/// Builds the <see cref="ClusterReport"/>: membership from this node's cluster state, shard placement by asking every
/// reachable member's shard region for its <see cref="ShardRegionStats"/> (concurrently, each bounded by a timeout on
/// the gateway's clock), so a member that does not answer leaves only its own shards unknown.
/// </summary>
internal static class ClusterInspector
{
    /// <summary>The sharding type name Akka gives a sharded daemon process's region.</summary>
    public static string DaemonTypeName(string daemon) => "sharded-daemon-process-" + daemon;

    public static async Task<ClusterReport> ReadAsync(
        ActorSystem system, string ingressTypeName, string deviceTypeName, int shardCount, MemberUpTimes upTimes, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(m => m.UniqueAddress).ToHashSet();
        var ages = state.Members.Where(m => m.Status == MemberStatus.Up || m.Status == MemberStatus.Leaving || m.Status == MemberStatus.Exiting)
            .OrderBy(m => m, Member.AgeOrdering).Select((m, i) => (m.UniqueAddress, Rank: i + 1)).ToDictionary(p => p.UniqueAddress, p => p.Rank);
        var oldest = ages.Count == 0 ? null : ages.MinBy(p => p.Value).Key.Address;
        var now = time.GetUtcNow();
        var members = state.Members.Select(m =>
        {
            var since = upTimes.Since(m.UniqueAddress);
            return new ClusterMemberView(
                m.Address.ToString(),
                Camel(m.Status.ToString()),
                [.. m.Roles.Order(StringComparer.Ordinal)],
                !unreachable.Contains(m.UniqueAddress),
                m.UniqueAddress == cluster.SelfUniqueAddress,
                m.Address == state.Leader,
                m.Address == oldest,
                ages.TryGetValue(m.UniqueAddress, out var rank) ? rank : null,
                since,
                since is { } s ? Math.Round((now - s).TotalSeconds, 1) : null);
        }).ToList();

        // Regions live on members that are (or were just) Up. An unreachable one is not asked (it would only make the
        // request wait out the timeout) and counts as unanswered.
        var hosts = state.Members.Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Leaving or MemberStatus.Exiting)
            .Select(m => (m.Address, Reachable: !unreachable.Contains(m.UniqueAddress))).ToList();
        var ingressTask = RegionAsync(system, ingressTypeName, hosts, shardCount, timeout, time, cancellationToken);
        var deviceTask = RegionAsync(system, deviceTypeName, hosts, shardCount, timeout, time, cancellationToken);
        var (ingress, ingressShards) = await ingressTask.ConfigureAwait(false);
        var (device, deviceShards) = await deviceTask.ConfigureAwait(false);
        var shards = Enumerable.Range(0, shardCount).Select(k => new ShardPlacement(
            k,
            ingressShards.TryGetValue(k, out var i) ? i.Node : null,
            deviceShards.TryGetValue(k, out var d) ? d.Node : null,
            deviceShards.TryGetValue(k, out d) ? d.Entities : null)).ToList();
        return new ClusterReport(cluster.SelfAddress.ToString(), state.Leader?.ToString(), oldest?.ToString(), members, shardCount, ingress, device, shards);
    }

    private static async Task<(ShardRegionView View, Dictionary<int, (string Node, int Entities)> Shards)> RegionAsync(
        ActorSystem system, string typeName, IReadOnlyList<(Address Address, bool Reachable)> hosts, int shardCount, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var shards = new Dictionary<int, (string Node, int Entities)>();
        if (!ClusterSharding.Get(system).ShardTypeNames.Contains(typeName))
        {
            return (new ShardRegionView(typeName, ShardRegionView.NotStarted, $"the {typeName} shard region is not started on this node", []), shards);
        }

        var guardian = system.Settings.Config.GetString("akka.cluster.sharding.guardian-name", "sharding");
        var answers = await Task.WhenAll(hosts.Select(async host =>
        {
            if (!host.Reachable)
            {
                return (Host: host.Address, Stats: (ShardRegionStats?)null);
            }

            var region = system.ActorSelection(new RootActorPath(host.Address) / "system" / guardian / Uri.EscapeDataString(typeName));
            return (Host: host.Address, Stats: await StatsAsync(region, timeout, time, cancellationToken).ConfigureAwait(false));
        })).ConfigureAwait(false);

        var unanswered = new List<string>();
        foreach (var (host, stats) in answers)
        {
            if (stats is null)
            {
                unanswered.Add(host.ToString());
                continue;
            }

            foreach (var (shardId, entities) in stats.Stats)
            {
                if (int.TryParse(shardId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var k) && k < shardCount)
                {
                    shards[k] = (host.ToString(), entities);
                }
            }
        }

        var view = unanswered.Count == 0
            ? new ShardRegionView(typeName, ShardRegionView.Running, null, [])
            : new ShardRegionView(typeName, ShardRegionView.Partial, $"{unanswered.Count} member(s) unreachable or silent for {timeout.TotalSeconds:0.#} s: their shards show as unknown", unanswered);
        return (view, shards);
    }

    /// <summary>Asks one region for its shards; null when it does not answer within <paramref name="timeout"/> (a missing region never answers).</summary>
    private static async Task<ShardRegionStats?> StatsAsync(ActorSelection region, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var asking = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            return await region.Ask<ShardRegionStats>(GetShardRegionStats.Instance, Timeout.InfiniteTimeSpan, asking.Token).WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            await asking.CancelAsync().ConfigureAwait(false);
        }
    }

    private static string Camel(string name) => string.IsNullOrEmpty(name) ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
