using Akka.Actor;
using Akka.TestKit;
using Fleet.Shared.Time;

namespace Fleet.Tests.Infrastructure;

/// <summary>
/// Domain time (<see cref="ManualTimeProvider"/>) and actor time (Akka.TestKit's <see cref="TestScheduler"/>) moved
/// together, so an actor test sees its timers and its budgets agree. Only for systems created with <see cref="Hocon"/>.
/// </summary>
public sealed class VirtualClock(ActorSystem system, DateTimeOffset start)
{
    /// <summary>Installs the test scheduler (Akka's timers then fire only when advanced). Never for cluster tests: gossip would freeze.</summary>
    public const string Hocon = """akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit" """;

    private readonly TestScheduler _scheduler = system.Scheduler as TestScheduler
        ?? throw new InvalidOperationException("the actor system was not created with VirtualClock.Hocon");

    public ManualTimeProvider Time { get; } = new(start);

    public void Advance(TimeSpan by)
    {
        Time.Advance(by);
        _scheduler.Advance(by);
    }
}
