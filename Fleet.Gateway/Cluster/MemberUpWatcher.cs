using Akka.Actor;
using Akka.Cluster;

namespace Fleet.Gateway.Cluster;

/// <summary>Records in <see cref="MemberUpTimes"/> when each member comes up (on the gateway's clock) and forgets removed ones.</summary>
internal sealed class MemberUpWatcher(MemberUpTimes times, TimeProvider time) : UntypedActor
{
    public const string Name = "member-up-times";

    public static Props Props(MemberUpTimes times, TimeProvider time) => Akka.Actor.Props.Create(() => new MemberUpWatcher(times, time));

    protected override void PreStart() =>
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberUp), typeof(ClusterEvent.MemberRemoved));

    protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ClusterEvent.MemberUp up:
                times.Up(up.Member.UniqueAddress, time.GetUtcNow());
                break;
            case ClusterEvent.MemberRemoved removed:
                times.Removed(removed.Member.UniqueAddress);
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
