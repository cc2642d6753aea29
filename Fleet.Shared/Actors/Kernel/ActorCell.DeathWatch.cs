namespace Fleet.Shared.Actors.Kernel;

/// <summary>Death watch: Terminated is queued behind the dead actor's own messages and delivered once per watch.</summary>
internal sealed partial class ActorCell
{
    public IActorRef Watch(IActorRef subject)
    {
        var watched = AsLocalCell(subject);
        if (!ReferenceEquals(watched, this) && (State.Watching ??= []).Add(watched))
        {
            watched.PostSystem(new SystemMessage(SystemMessageKind.Watch, this));
        }

        return subject;
    }

    public IActorRef Unwatch(IActorRef subject)
    {
        var watched = AsLocalCell(subject);
        if (_state?.Watching?.Remove(watched) == true)
        {
            watched.PostSystem(new SystemMessage(SystemMessageKind.Unwatch, this));
        }

        return subject;
    }

    private static ActorCell AsLocalCell(IActorRef subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return subject is LocalActorRef local
            ? local.Cell
            : throw new NotSupportedException($"Only actors created by ActorOf can be watched, not {subject.Path}.");
    }

    private void AddWatcher(ActorCell watcher)
    {
        if (!ReferenceEquals(watcher, this))
        {
            (State.Watchers ??= []).Add(watcher);
        }
    }

    private void HandleWatchedTerminated(ActorCell dead)
    {
        if (_state?.Watching?.Contains(dead) == true && (_flags & CellFlags.Terminating) == 0)
        {
            Post(new Terminated(dead.Self), dead.Self, bypassCapacity: true);
        }
    }

    private void UnwatchAll()
    {
        if (_state?.Watching is not { Count: > 0 } watching)
        {
            return;
        }

        foreach (var watched in watching)
        {
            watched.PostSystem(new SystemMessage(SystemMessageKind.Unwatch, this));
        }

        watching.Clear();
    }
}
