using Akka.Actor;

namespace Fleet.Device.Agent;

/// <summary>
/// The user guardian's strategy for the top-level actors (one <see cref="DeviceAgentActor"/> per device), set by
/// <c>akka.actor.guardian-supervisor-strategy</c>. Akka's default restarts forever; Fleet follows Erlang/OTP: one
/// restart within five seconds, then the agent is stopped.
/// </summary>
internal sealed class AgentGuardianStrategy : SupervisorStrategyConfigurator
{
    public static readonly int MaxRestarts = 1;
    public static readonly TimeSpan Within = TimeSpan.FromSeconds(5);

    public override SupervisorStrategy Create() =>
        new OneForOneStrategy(MaxRestarts, Within, static _ => Directive.Restart);
}
