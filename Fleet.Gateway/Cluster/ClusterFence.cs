using Akka.Cluster;

namespace Fleet.Gateway.Cluster;

/// <summary>
/// Whether this node may still act as the owner of what the cluster gave it (its shards' MQTT sessions). A node that
/// was paused or cut off long enough is declared dead by the others and its shards start elsewhere; when it comes back
/// it must not take their sessions back before it learns that. It may own while it is an Up member and sees every
/// other member reachable, asked of the failure detector directly (the cluster's published state lags it by up to a
/// reaper tick, and right after a pause every heartbeat is overdue at once).
/// </summary>
internal sealed class ClusterFence(Akka.Cluster.Cluster cluster)
{
    public bool MayOwn()
    {
        if (cluster.IsTerminated)
        {
            return false;
        }

        var self = cluster.SelfMember;
        if (self.Status != MemberStatus.Up)
        {
            return false;
        }

        var state = cluster.State;
        if (state.Unreachable.Count > 0)
        {
            return false;
        }

        foreach (var member in state.Members)
        {
            if (member.UniqueAddress != self.UniqueAddress && member.Status == MemberStatus.Up && !cluster.FailureDetector.IsAvailable(member.Address))
            {
                return false;
            }
        }

        return true;
    }
}
