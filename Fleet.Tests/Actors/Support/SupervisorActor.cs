using Fleet.Shared.Actors;

namespace Fleet.Tests.Actors.Support;

/// <summary>A parent for supervision tests: creates the children it is asked to, and reports its own lifecycle.</summary>
internal sealed class SupervisorActor(IActorRef? probe = null, string label = "supervisor") : ActorBase
{
    public sealed record Spawn(Props Props, string Name);

    protected override void PreStart() => probe?.Tell(label + ":started");

    protected override void PostRestart(Exception reason) => probe?.Tell(label + ":restarted");

    protected override void PostStop() => probe?.Tell(label + ":stopped");

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Spawn spawn:
                Sender.Tell(Context.ActorOf(spawn.Props, spawn.Name));
                break;
            case Ping:
                Sender.Tell(Pong.Instance);
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
