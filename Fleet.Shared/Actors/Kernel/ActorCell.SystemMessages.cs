namespace Fleet.Shared.Actors.Kernel;

/// <summary>Dispatch of system messages, and how a stopped actor answers them.</summary>
internal sealed partial class ActorCell
{
    private void HandleSystemMessage(SystemMessage message)
    {
        if ((_flags & CellFlags.Terminated) != 0)
        {
            HandleDeadSystemMessage(message);
            return;
        }

        switch (message.Kind)
        {
            case SystemMessageKind.Terminate:
                HandleTerminate();
                break;
            case SystemMessageKind.Watch:
                AddWatcher(message.Cell!);
                break;
            case SystemMessageKind.Unwatch:
                _state?.Watchers?.Remove(message.Cell!);
                break;
            case SystemMessageKind.DeathWatchNotification:
                HandleWatchedTerminated(message.Cell!);
                break;
            case SystemMessageKind.Failed:
                HandleChildFailed(message.Cell!, message.Cause!);
                break;
            case SystemMessageKind.Recreate:
                HandleRecreate(message.Cause!);
                break;
            case SystemMessageKind.Resume:
                HandleResume();
                break;
            case SystemMessageKind.ChildTerminated:
                HandleChildTerminated(message.Cell!);
                break;
        }
    }

    /// <summary>Answers a system message sent to a stopped actor; may run on any thread.</summary>
    private void HandleDeadSystemMessage(SystemMessage message)
    {
        switch (message.Kind)
        {
            case SystemMessageKind.Watch:
                message.Cell!.PostSystem(new SystemMessage(SystemMessageKind.DeathWatchNotification, this));
                break;
            case SystemMessageKind.Failed:
                message.Cell!.PostSystem(new SystemMessage(SystemMessageKind.Terminate));
                break;
        }
    }
}
