using Akka.Actor;

namespace Fleet.Gateway.Twins;

/// <summary>
/// Child of each <see cref="DeviceTwin"/> that has had a model failure: it mirrors the device's model
/// lifecycle and spends a restart budget the Erlang way. The n-th failure within the policy's window
/// climbs rung n of the ladder (by default <c>restartModel</c>, then <c>rollback</c>); the failure after the
/// last rung quarantines the device (no new models, flagged, persisted) and escalates to the fleet.
/// </summary>
/// <remarks>
/// The device, not a child actor, is what restarts here, so the budget is counted in this actor rather
/// than by Akka's restart statistics; Akka's supervision applies one level up (the twin supervises this actor
/// with <see cref="ParentStrategy"/>; twins keep their own <see cref="TwinRestartBudget"/>).
/// </remarks>
internal sealed class ModelSupervisor(ModelSupervisionPolicy policy, TimeProvider time) : UntypedActor
{
    private readonly Queue<DateTimeOffset> _failures = new();
    private readonly List<string> _actions = [];
    private bool _escalated;

    /// <summary>How a twin supervises its model supervisor: restart it (a fresh budget) a few times, then stop it.</summary>
    public static SupervisorStrategy ParentStrategy { get; } = new OneForOneStrategy(3, TimeSpan.FromMinutes(1), static _ => Directive.Restart);

    public static Props Props(ModelSupervisionPolicy policy, TimeProvider time) => Akka.Actor.Props.Create(() => new ModelSupervisor(policy, time));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ModelFailure failure:
                OnFailure(failure);
                break;
            case ResetModelBudget:
                _failures.Clear();
                _actions.Clear();
                _escalated = false;
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnFailure(ModelFailure failure)
    {
        var now = time.GetUtcNow();
        while (_failures.TryPeek(out var oldest) && now - oldest > policy.Window)
        {
            _failures.Dequeue();
        }

        _failures.Enqueue(now);
        if (_escalated)
        {
            return;
        }

        var reason = $"{failure.Kind} failure on model {failure.ModelVersion ?? "?"} ({failure.Detail}); {_failures.Count} in {policy.Window}";
        if (_failures.Count <= policy.Ladder.Count)
        {
            var command = policy.Ladder[_failures.Count - 1];
            _actions.Add(command);
            Context.Parent.Tell(new ModelSupervisorDecision(command, false, reason, State()), Self);
            return;
        }

        _escalated = true;
        _actions.Add("quarantine");
        Context.Parent.Tell(new ModelSupervisorDecision(null, true, "restart budget spent: " + reason, State()), Self);
    }

    private ModelSupervisorState State() => new(_failures.Count, [.. _actions], _escalated);
}
