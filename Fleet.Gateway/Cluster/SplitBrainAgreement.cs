using Akka.Actor;
using Akka.Cluster;

namespace Fleet.Gateway.Cluster;

/// <summary>
/// Checks that every node of the cluster runs the same split brain resolver settings: nodes that disagree would each
/// keep a different side of a partition, and both sides would own the shards. Each node carries its settings in a
/// member role (<see cref="ClusterOptions.SplitBrainRole"/>); when a member with other settings appears, the younger
/// of the two leaves (its process then stops with the reason logged), so the cluster keeps the settings it formed with.
/// It also warns when exactly two nodes run keep-majority, which downs both if the lowest-address one dies.
/// </summary>
internal sealed class SplitBrainAgreement : ReceiveActor
{
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ClusterOptions _options;
    private readonly ILogger _logger;
    // Kept from the events themselves: the cluster's read view may not have caught up with an event being handled.
    private readonly Dictionary<UniqueAddress, Member> _members = [];
    private bool _leaving;
    private bool _warnedTwoNodes;

    public SplitBrainAgreement(ClusterOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        Receive<ClusterEvent.CurrentClusterState>(state =>
        {
            foreach (var member in state.Members)
            {
                _members[member.UniqueAddress] = member;
                Check(member);
            }

            CheckSize();
        });
        Receive<ClusterEvent.MemberRemoved>(e =>
        {
            _members.Remove(e.Member.UniqueAddress);
            CheckSize();
        });
        Receive<ClusterEvent.IMemberEvent>(e =>
        {
            _members[e.Member.UniqueAddress] = e.Member;
            Check(e.Member);
            CheckSize();
        });
    }

    public static Props Props(ClusterOptions options, ILogger logger) => Akka.Actor.Props.Create(() => new SplitBrainAgreement(options, logger));

    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    /// <summary>The split brain settings a member carries, or null for a member that carries none (not a Fleet gateway of this version).</summary>
    public static string? SettingsOf(Member member) =>
        member.Roles.FirstOrDefault(r => r.StartsWith(ClusterOptions.SplitBrainRolePrefix, StringComparison.Ordinal));

    private void Check(Member member)
    {
        var ours = _options.SplitBrainRole;
        var theirs = SettingsOf(member) ?? "(none)";
        if (_leaving || member.UniqueAddress == _cluster.SelfUniqueAddress || theirs == ours
            || member.Status is MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Removed)
        {
            return;
        }

        var self = _members.GetValueOrDefault(_cluster.SelfUniqueAddress) ?? _cluster.SelfMember;
        // The younger node is the one that joined a cluster already running other settings.
        var selfIsYounger = self.Status is MemberStatus.Joining or MemberStatus.WeaklyUp
            || (member.Status == MemberStatus.Up && member.IsOlderThan(self));
        if (selfIsYounger)
        {
            _leaving = true;
            GatewayLog.SplitBrainMismatch(_logger, member.Address.ToString(), theirs, ours, "this node joined last and leaves the cluster");
            _cluster.Leave(_cluster.SelfAddress);
        }
        else
        {
            GatewayLog.SplitBrainMismatch(_logger, member.Address.ToString(), theirs, ours, "that node joined last and leaves");
        }
    }

    private void CheckSize()
    {
        var up = _members.Values.Count(m => m.Status == MemberStatus.Up);
        if (up == 2 && _options.SplitBrain == SplitBrainStrategy.KeepMajority && !_warnedTwoNodes)
        {
            _warnedTwoNodes = true;
            GatewayLog.TwoNodesKeepMajority(_logger);
        }
        else if (up != 2)
        {
            _warnedTwoNodes = false;
        }
    }
}
