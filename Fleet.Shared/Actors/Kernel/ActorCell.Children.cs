namespace Fleet.Shared.Actors.Kernel;

/// <summary>Creating and tracking children.</summary>
internal sealed partial class ActorCell
{
    public IReadOnlyCollection<IActorRef> Children =>
        _state?.Children?.Snapshot().Select(static c => (IActorRef)c.Self).ToArray() ?? [];

    public IActorRef? Child(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _state?.Children?.Get(name)?.Self;
    }

    public IActorRef ActorOf(Props props, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(props);
        if (name is not null && (name.Length == 0 || name[0] == '$' || name.Contains('/', StringComparison.Ordinal)))
        {
            throw new InvalidActorNameException($"'{name}' is not a valid actor name: it must be non-empty, not start with '$' and not contain '/'.");
        }

        var state = State;
        if (state.Children is null)
        {
            Interlocked.CompareExchange(ref state.Children, new ChildrenContainer(), null);
        }

        var children = state.Children;
        var child = new ActorCell(System, this, props, name);
        if (!children.TryAdd(child))
        {
            throw new InvalidActorNameException($"{Path}/{child.Name} is already taken by a live actor.");
        }

        child.Start();
        return child.Self;
    }

    public void Stop(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor is LocalActorRef local)
        {
            local.Cell.PostSystem(new SystemMessage(SystemMessageKind.Terminate));
        }
    }

    /// <summary>The live children, for all-for-one decisions.</summary>
    public IReadOnlyList<ActorCell> LiveChildren() => _state?.Children?.Snapshot() ?? [];

    /// <summary>Frees a stopped child's name (called on the child's thread as its last act, before watchers hear of it).</summary>
    private void ReleaseChild(ActorCell child) => _state?.Children?.Remove(child);

    private void HandleChildTerminated(ActorCell child)
    {
        _state?.Children?.Remove(child);
        _state?.RestartHistories?.Remove(child);
        if ((_state?.Children?.Count ?? 0) > 0 || (_flags & CellFlags.Terminated) != 0)
        {
            // Children release their names before this message arrives, so several of these may see no children
            // left; only the first finishes the stop or restart (FinishRecreate clears Restarting).
            return;
        }

        if ((_flags & CellFlags.Terminating) != 0)
        {
            FinishTerminate();
        }
        else if ((_flags & CellFlags.Restarting) != 0)
        {
            FinishRecreate(_state!.RestartCause!);
        }
    }
}
