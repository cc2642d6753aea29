using Fleet.Shared.Actors;

namespace Fleet.Gateway.Twins;

/// <summary>
/// Fails the reply of any twin message that became a dead letter (its twin stopped with it still queued),
/// so ingress does not wait out its persist timeout on a shard and API callers get an answer at once.
/// </summary>
internal sealed class UndeliveredTwinMessages : ActorBase
{
    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    protected override void OnReceive(object message)
    {
        if (message is not DeadLetter { Message: ITwinMessage lost })
        {
            return;
        }

        var why = new TwinStoppedException($"the twin of {lost.DeviceId} stopped before handling the message");
        switch (lost)
        {
            case DeviceMessage device:
                device.Persisted?.TrySetException(why);
                break;
            case GetTwin get:
                get.Reply.TrySetException(why);
                break;
            case SetDesired set:
                set.Reply.TrySetException(why);
                break;
            case SendCommand command:
                command.Reply.TrySetException(why);
                break;
            case SetQuarantine quarantine:
                quarantine.Reply.TrySetException(why);
                break;
        }
    }
}
