using Fleet.Shared.Diagnostics;

namespace Fleet.Shared.Actors.Kernel;

/// <summary>Processing of one user message: kernel messages, behaviour dispatch, failure capture.</summary>
internal sealed partial class ActorCell
{
    public void Become(Action<object> behavior, bool discardOld = true)
    {
        ArgumentNullException.ThrowIfNull(behavior);
        var behaviors = State.Behaviors ??= [];
        if (discardOld && behaviors.Count > 0)
        {
            behaviors[^1] = behavior;
        }
        else
        {
            behaviors.Add(behavior);
        }
    }

    public void Unbecome()
    {
        if (_state?.Behaviors is { Count: > 0 } behaviors)
        {
            behaviors.RemoveAt(behaviors.Count - 1);
        }
    }

    private void Invoke(Envelope envelope)
    {
        _current = envelope;
        var message = envelope.Message;
        try
        {
            switch (message)
            {
                case PoisonPill:
                    HandleTerminate();
                    return;
                case TimerEntry timer:
                    if (_state?.Timers?.TryTake(timer) == true)
                    {
                        _current = new Envelope(timer.Message, null);
                        Behave(timer.Message);
                    }

                    break;
                case ReceiveTimeoutTick tick:
                    OnReceiveTimeoutTick(tick);
                    return;
                case Terminated terminated when terminated.ActorRef is LocalActorRef dead && ReferenceEquals(envelope.Sender, dead):
                    if (_state?.Watching?.Remove(dead.Cell) == true)
                    {
                        Behave(message);
                    }

                    break;
                default:
                    Behave(message);
                    break;
            }

            if (_state?.ReceiveTimeout is { } receiveTimeout && message is not INotInfluenceReceiveTimeout)
            {
                receiveTimeout.LastActivity = System.TimeProvider.GetTimestamp();
            }
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            HandleInvokeFailure(ex, _current?.Message ?? message);
        }
        finally
        {
            _current = null;
        }
    }

    private void Behave(object message)
    {
        if (_state?.Behaviors is { Count: > 0 } behaviors)
        {
            behaviors[^1](message);
        }
        else
        {
            _actor!.InvokeReceive(message);
        }
    }
}
