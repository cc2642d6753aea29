using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;

namespace Fleet.Device.Agent;

/// <summary>
/// The agent's plain local <see cref="ActorSystem"/>: no cluster, no remoting, no hosting. What we rely on: the
/// OTP guardian strategy for top-level actors, Akka's own logs through Serilog (the process-wide
/// <c>Serilog.Log.Logger</c>), and no log output of its own on stdout.
/// </summary>
internal static class AgentActorSystem
{
    public static readonly string Hocon = $$"""
        akka {
          loglevel = INFO
          stdout-loglevel = WARNING
          loggers = ["Akka.Logger.Serilog.SerilogLogger, Akka.Logger.Serilog"]
          logger-formatter = "Akka.Logger.Serilog.SerilogLogMessageFormatter, Akka.Logger.Serilog"
          actor.guardian-supervisor-strategy = "{{typeof(AgentGuardianStrategy).FullName}}, {{typeof(AgentGuardianStrategy).Assembly.GetName().Name}}"
          log-dead-letters-during-shutdown = off
          coordinated-shutdown.run-by-clr-shutdown-hook = off
        }
        """;

    public static Config Config { get; } = ConfigurationFactory.ParseString(Hocon);

    public static ActorSystem Create(string name = "fleet-device") =>
        ActorSystem.Create(name, BootstrapSetup.Create().WithConfig(Config));
}
