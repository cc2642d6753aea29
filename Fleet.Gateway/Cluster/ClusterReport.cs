namespace Fleet.Gateway.Cluster;

/// <summary>
/// <c>GET /api/v1/cluster</c>: this node, the members as it sees them, and which node hosts each fleet shard's ingress
/// session and device-twin shard.
/// </summary>
internal sealed record ClusterReport(
    string Node,
    string? Leader,
    string? Oldest,
    IReadOnlyList<ClusterMemberView> Members,
    int ShardCount,
    ShardRegionView Ingress,
    ShardRegionView Device,
    IReadOnlyList<ShardPlacement> Shards);

/// <summary>
/// One member. <paramref name="AgeRank"/> orders the Up members by age (1 = oldest, where cluster singletons run);
/// <paramref name="UpSince"/> is when this node saw it come up (for members Up before this node joined: when it joined).
/// </summary>
internal sealed record ClusterMemberView(
    string Address,
    string Status,
    IReadOnlyList<string> Roles,
    bool Reachable,
    bool Self,
    bool Leader,
    bool Oldest,
    int? AgeRank,
    DateTimeOffset? UpSince,
    double? UpSeconds);

/// <summary>
/// A shard region's answer. <paramref name="State"/>: <c>running</c> (every member asked answered), <c>partial</c>
/// (<paramref name="Unanswered"/> members did not answer in time: their shards show as unknown) or <c>notStarted</c>
/// (the region does not exist on this node).
/// </summary>
internal sealed record ShardRegionView(string TypeName, string State, string? Detail, IReadOnlyList<string> Unanswered)
{
    public const string Running = "running";
    public const string Partial = "partial";
    public const string NotStarted = "notStarted";
}

/// <summary>Where fleet shard <paramref name="Shard"/> lives: the node holding its ingress session and the node hosting its twins (null: none, or unknown).</summary>
internal sealed record ShardPlacement(int Shard, string? Ingress, string? Device, int? Twins);
