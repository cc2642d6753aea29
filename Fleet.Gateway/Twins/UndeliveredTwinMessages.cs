using Akka.Actor;
using Akka.Event;

namespace Fleet.Gateway.Twins;

/// <summary>
/// Answers the asker of any twin message that became a dead letter (its twin stopped with it still queued) with a
/// <see cref="Status.Failure"/> of <see cref="TwinStoppedException"/>, so ingress does not wait out its persist
/// timeout on a shard and API callers get an answer at once.
/// </summary>
internal sealed class UndeliveredTwinMessages : UntypedActor
{
    public static Props Props() => Akka.Actor.Props.Create<UndeliveredTwinMessages>();

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    protected override void OnReceive(object message)
    {
        if (message is not DeadLetter { Message: ITwinMessage lost, Sender: { } asker } || lost is DeviceMessage { AckId: null }
            || asker.IsNobody() || asker.Equals(Context.System.DeadLetters))
        {
            return;
        }

        asker.Tell(new Status.Failure(new TwinStoppedException($"the twin of {lost.DeviceId} stopped before handling the message")), Self);
    }
}
