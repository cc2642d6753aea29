using Fleet.Shared.Actors;
using Fleet.Shared.Time;

namespace Fleet.Tests.Actors.Support;

/// <summary>A fresh actor system on a fake clock per test, terminated afterwards.</summary>
public abstract class ActorTestBase : IAsyncLifetime
{
    protected ActorTestBase()
    {
        Clock = new ManualTimeProvider();
        System = ActorSystem.Create("test", new ActorSystemOptions { TimeProvider = Clock });
    }

    protected ManualTimeProvider Clock { get; }

    protected ActorSystem System { get; }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TestProbe.Patience);
        await System.TerminateAsync(cts.Token);
    }

    internal TestProbe CreateProbe(string? name = null) => new(System, name);

    /// <summary>Round-trips an Ask so that everything posted to <paramref name="actor"/> before it has been processed.</summary>
    protected static async Task SettleAsync(IActorRef actor)
    {
        using var cts = new CancellationTokenSource(TestProbe.Patience);
        await actor.Ask<Pong>(Ping.Instance, TimeSpan.FromDays(1), cts.Token);
    }

    /// <summary>Advances the fake clock, then lets <paramref name="actor"/> process what the timers posted.</summary>
    protected async Task AdvanceAsync(TimeSpan delta, IActorRef actor)
    {
        Clock.Advance(delta);
        await SettleAsync(actor);
    }
}
