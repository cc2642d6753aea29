namespace Fleet.Shared.Actors.Supervision;

/// <summary>The actor behind <see cref="BackoffSupervisor"/>.</summary>
internal sealed class BackoffSupervisorActor(BackoffOptions options) : ActorBase
{
    private const string StartKey = "backoff-start";
    private const string ResetKey = "backoff-reset";

    private IActorRef? _child;
    private int _restartCount;

    protected override void PreStart() => StartChild();

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Terminated terminated when terminated.ActorRef.Equals(_child):
                _child = null;
                Timers.Cancel(ResetKey);
                Timers.StartSingleTimer(StartKey, StartChildTick.Instance, options.Delay(_restartCount));
                _restartCount++;
                break;
            case StartChildTick:
                StartChild();
                break;
            case ResetTick reset:
                if (reset.Count == _restartCount && _child is not null)
                {
                    _restartCount = 0;
                }

                break;
            case GetCurrentChild:
                Sender.Tell(new CurrentChild(_child), Self);
                break;
            case GetRestartCount:
                Sender.Tell(new RestartCount(_restartCount), Self);
                break;
            case ResetBackoff:
                _restartCount = 0;
                break;
            case Terminated:
                break;
            default:
                (_child ?? Context.System.DeadLetters).Tell(message, Context.Sender);
                break;
        }
    }

    private void StartChild()
    {
        _child = Context.Watch(Context.ActorOf(options.ChildProps, options.ChildName));
        if (_restartCount > 0)
        {
            Timers.StartSingleTimer(ResetKey, new ResetTick(_restartCount), options.ResetBackoffAfter ?? options.MinBackoff);
        }
    }

    private sealed class StartChildTick
    {
        public static readonly StartChildTick Instance = new();
    }

    private sealed record ResetTick(int Count);
}
