using Fleet.Shared.Actors;

namespace Fleet.Tests.Actors.Support;

/// <summary>Counts "inc", fails on "boom", reports every message and lifecycle hook to a probe.</summary>
internal sealed class CounterActor(IActorRef probe, string label) : ActorBase
{
    public sealed class Get
    {
        public static readonly Get Instance = new();
    }

    private int _count;

    protected override void PreStart() => probe.Tell(label + ":started");

    protected override void PreRestart(Exception reason, object? message) => probe.Tell($"{label}:pre-restart:{message}");

    protected override void PostRestart(Exception reason) => probe.Tell(label + ":restarted");

    protected override void PostStop() => probe.Tell(label + ":stopped");

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case "inc":
                _count++;
                break;
            case Get:
                Sender.Tell(_count);
                break;
            case Ping:
                Sender.Tell(Pong.Instance);
                break;
            case string text when text.StartsWith("boom", StringComparison.Ordinal):
                probe.Tell(label + ":received:" + text);
                throw new InvalidOperationException(text);
            default:
                probe.Tell(label + ":received:" + message);
                break;
        }
    }
}
