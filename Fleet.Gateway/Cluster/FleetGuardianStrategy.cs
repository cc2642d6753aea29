using Akka.Actor;

namespace Fleet.Gateway.Cluster;

/// <summary>
/// The OTP-style strategy for top-level actors (<c>akka.actor.guardian-supervisor-strategy</c>): one restart in
/// 5 seconds, then the actor stops. Akka's default would restart a crashing top-level actor forever.
/// </summary>
public sealed class FleetGuardianStrategy : SupervisorStrategyConfigurator
{
    /// <summary>Restarts allowed within <see cref="Window"/> before the actor is stopped.</summary>
    public const int MaxRestarts = 1;

    public static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    /// <summary>The HOCON line that installs this strategy.</summary>
    public static string Hocon => $"akka.actor.guardian-supervisor-strategy = \"{typeof(FleetGuardianStrategy).FullName}, {typeof(FleetGuardianStrategy).Assembly.GetName().Name}\"";

    public override SupervisorStrategy Create() => new OneForOneStrategy(MaxRestarts, Window, Decide);

    private static Directive Decide(Exception reason) => reason switch
    {
        ActorInitializationException or ActorKilledException or DeathPactException => Directive.Stop,
        _ => Directive.Restart,
    };
}
