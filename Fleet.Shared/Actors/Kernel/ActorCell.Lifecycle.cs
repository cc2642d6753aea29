using Fleet.Shared.Diagnostics;

namespace Fleet.Shared.Actors.Kernel;

/// <summary>Creation and stopping: children stop first, then PostStop, then watchers and the parent are told.</summary>
internal sealed partial class ActorCell
{
    private void Create()
    {
        _flags |= CellFlags.Created;
        try
        {
            _actor = NewInstance();
            _actor.InvokePreStart();
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            _flags |= CellFlags.Suspended;
            ReportFailure(new ActorInitializationException($"{Path} failed to start: {ex.Message}", ex));
        }
    }

    private void HandleTerminate()
    {
        if ((_flags & (CellFlags.Terminating | CellFlags.Terminated)) != 0)
        {
            return;
        }

        _flags |= CellFlags.Terminating;
        CancelTimers();
        var children = _state?.Children?.CloseAndSnapshot();
        if (children is not { Length: > 0 })
        {
            FinishTerminate();
            return;
        }

        foreach (var child in children)
        {
            child.PostSystem(new SystemMessage(SystemMessageKind.Terminate));
        }
    }

    private void FinishTerminate()
    {
        if (_actor is { } actor)
        {
            _current = null;
            try
            {
                actor.InvokePostStop();
            }
            catch (Exception ex) when (!ex.IsFatal())
            {
                PublishError(ex, "PostStop threw; the actor is stopped anyway.");
            }
        }

        CancelTimers();
        _flags |= CellFlags.Terminated;
        _actor = null;
        var state = _state;
        state?.Stash?.ClearStash();
        CloseMailboxes();

        // The parent first: the name slot is released here, synchronously, so it is free before any watcher (on
        // any thread) sees Terminated and may re-create the child under the same name at once; the parent's own
        // bookkeeping (restart history, finishing its stop or restart) follows when it processes ChildTerminated.
        _parent?.ReleaseChild(this);
        _parent?.PostSystem(new SystemMessage(SystemMessageKind.ChildTerminated, this));
        if (state?.Watchers is { } watchers)
        {
            foreach (var watcher in watchers)
            {
                watcher.PostSystem(new SystemMessage(SystemMessageKind.DeathWatchNotification, this));
            }
        }

        if (state?.Watching is { } watching)
        {
            foreach (var watched in watching)
            {
                watched.PostSystem(new SystemMessage(SystemMessageKind.Unwatch, this));
            }
        }

        if (System.EventStream.HasSubscribers)
        {
            System.EventStream.Unsubscribe(Self);
        }

        System.ActorStopped();
        _state = state?.Children is { } closedChildren ? new CellState { Children = closedChildren } : null;
        if (_parent is null)
        {
            System.OnGuardianTerminated();
        }
    }
}
