using Fleet.Shared.Actors.Supervision;
using Fleet.Shared.Diagnostics;

namespace Fleet.Shared.Actors.Kernel;

/// <summary>Failure, supervision decisions, restart and resume.</summary>
/// <remarks>
/// A failing actor suspends itself and reports <c>Failed</c> to its parent, which applies its strategy. The failing
/// message is never re-delivered: it was dequeued before it failed, and a restart continues with the next one.
/// </remarks>
internal sealed partial class ActorCell
{
    private void HandleInvokeFailure(Exception cause, object message)
    {
        if ((_flags & (CellFlags.Terminating | CellFlags.Terminated)) != 0)
        {
            PublishError(cause, "Failed while stopping; the actor stops anyway.");
            return;
        }

        _flags |= CellFlags.Suspended;
        State.FailedMessage = message;
        ReportFailure(cause);
    }

    private void ReportFailure(Exception cause)
    {
        if (_parent is null)
        {
            System.OnGuardianFailed(this, cause);
        }
        else
        {
            _parent.PostSystem(new SystemMessage(SystemMessageKind.Failed, this, cause));
        }
    }

    private void HandleChildFailed(ActorCell child, Exception cause)
    {
        if ((_flags & CellFlags.Terminating) != 0 || _state?.Children?.Contains(child) != true)
        {
            return;
        }

        SupervisorStrategy strategy;
        Directive directive;
        try
        {
            strategy = SupervisorStrategy;
            directive = strategy.Decide(cause);
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            child.PublishError(cause, "The supervisor strategy threw; escalating its exception.");
            Escalate(ex);
            return;
        }

        switch (directive)
        {
            case Directive.Resume:
                child.PublishError(cause, "Resumed by its supervisor.");
                child.PostSystem(new SystemMessage(SystemMessageKind.Resume));
                break;
            case Directive.Restart when TryConsumeRestart(strategy, child):
                child.PublishError(cause, "Restarted by its supervisor.");
                foreach (var affected in strategy.AffectedChildren(this, child))
                {
                    affected.PostSystem(new SystemMessage(SystemMessageKind.Recreate, cause: cause));
                }

                break;
            case Directive.Restart:
                var budget = $"{strategy.MaxNrOfRetries} restart(s) within {strategy.WithinTimeRange}";
                child.PublishError(cause, $"Restart budget of {budget} exceeded: stopped; {strategy.WhenBudgetExceeded} follows.");
                StopAll(strategy.AffectedChildren(this, child));
                if (strategy.WhenBudgetExceeded == Directive.Escalate)
                {
                    Escalate(new RestartBudgetExceededException($"{child.Path} exceeded its restart budget of {budget}.", cause));
                }

                break;
            case Directive.Stop:
                child.PublishError(cause, "Stopped by its supervisor.");
                StopAll(strategy.AffectedChildren(this, child));
                break;
            default:
                child.PublishError(cause, "Escalated by its supervisor.");
                Escalate(cause);
                break;
        }
    }

    private static void StopAll(IReadOnlyList<ActorCell> children)
    {
        foreach (var child in children)
        {
            child.PostSystem(new SystemMessage(SystemMessageKind.Terminate));
        }
    }

    private bool TryConsumeRestart(SupervisorStrategy strategy, ActorCell child)
    {
        if (strategy.MaxNrOfRetries < 0)
        {
            return true;
        }

        var histories = State.RestartHistories ??= [];
        var key = strategy.BudgetKey(this, child);
        if (!histories.TryGetValue(key, out var history))
        {
            histories[key] = history = new RestartHistory();
        }

        return history.TryRecord(strategy.MaxNrOfRetries, strategy.WithinTimeRange, System.TimeProvider);
    }

    private void Escalate(Exception cause)
    {
        var alreadySuspended = (_flags & CellFlags.Suspended) != 0;
        _flags |= CellFlags.Suspended | CellFlags.Escalated;
        if (!alreadySuspended)
        {
            ReportFailure(cause);
        }
    }

    private void HandleResume()
    {
        if ((_flags & (CellFlags.Terminating | CellFlags.Restarting)) != 0)
        {
            return;
        }

        if (_actor is null)
        {
            HandleRecreate(new ActorInitializationException($"{Path} was resumed but has no instance; restarting it."));
            return;
        }

        _flags &= ~CellFlags.Suspended;
        if (_state is not null)
        {
            _state.FailedMessage = null;
        }

        if ((_flags & CellFlags.Escalated) != 0)
        {
            _flags &= ~CellFlags.Escalated;
            foreach (var child in LiveChildren())
            {
                child.PostSystem(new SystemMessage(SystemMessageKind.Resume));
            }
        }
    }

    private void HandleRecreate(Exception cause)
    {
        if ((_flags & (CellFlags.Terminating | CellFlags.Restarting)) != 0)
        {
            return;
        }

        if (_actor is { } failed)
        {
            try
            {
                failed.InvokePreRestart(cause, _state?.FailedMessage);
            }
            catch (Exception ex) when (!ex.IsFatal())
            {
                PublishError(ex, "PreRestart threw; restarting anyway.");
            }
        }

        _actor = null;
        CancelTimers();
        UnwatchAll();
        _flags = (_flags | CellFlags.Suspended | CellFlags.Restarting) & ~CellFlags.Escalated;
        if (_state is { } state)
        {
            state.Behaviors?.Clear();
            state.RestartHistories?.Clear();
            state.Stash?.UnstashAll();
            state.RestartCause = cause;
        }

        var children = LiveChildren();
        if (children.Count == 0)
        {
            FinishRecreate(cause);
            return;
        }

        StopAll(children);
    }

    private void FinishRecreate(Exception cause)
    {
        _flags &= ~CellFlags.Restarting;
        if (_state is { } state)
        {
            state.RestartCause = null;
            state.FailedMessage = null;
        }

        try
        {
            _actor = NewInstance();
            _actor.InvokePostRestart(cause);
            _flags &= ~CellFlags.Suspended;
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            ReportFailure(new ActorInitializationException($"{Path} failed to restart: {ex.Message}", ex));
        }
    }
}
