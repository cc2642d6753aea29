using Fleet.Shared.Actors;
using Fleet.Tests.Actors.Support;

namespace Fleet.Tests.Actors;

public sealed class TimerTests : ActorTestBase
{
    [Fact]
    public async Task SingleTimer_FiresOnceAfterItsDelay()
    {
        var actor = System.ActorOf(Props.Create(() => new TickingActor(t => t.StartSingleTimer("k", "tick", TimeSpan.FromSeconds(10)))), "single");
        await SettleAsync(actor);

        await AdvanceAsync(TimeSpan.FromSeconds(9), actor);
        Assert.Equal(0, await TicksAsync(actor));
        await AdvanceAsync(TimeSpan.FromSeconds(1), actor);
        Assert.Equal(1, await TicksAsync(actor));
        await AdvanceAsync(TimeSpan.FromMinutes(5), actor);
        Assert.Equal(1, await TicksAsync(actor));
    }

    [Fact]
    public async Task PeriodicTimer_FiresOncePerInterval_UntilCancelled()
    {
        var actor = System.ActorOf(Props.Create(() => new TickingActor(t => t.StartPeriodicTimer("k", "tick", TimeSpan.FromSeconds(1)))), "periodic");
        await SettleAsync(actor);

        await AdvanceAsync(TimeSpan.FromSeconds(10), actor);
        Assert.Equal(10, await TicksAsync(actor));

        actor.Tell("cancel", null);
        await AdvanceAsync(TimeSpan.FromSeconds(10), actor);
        Assert.Equal(10, await TicksAsync(actor));
    }

    [Fact]
    public async Task CancelledTimer_DoesNotDeliverATickAlreadyQueued()
    {
        using var entered = new SemaphoreSlim(0);
        using var gate = new SemaphoreSlim(0);
        var actor = System.ActorOf(Props.Create(() => new TickingActor(t => t.StartSingleTimer("k", "tick", TimeSpan.FromSeconds(1)), entered, gate)), "racy");
        await SettleAsync(actor);

        actor.Tell("block-then-cancel", null);
        Assert.True(await entered.WaitAsync(TestProbe.Patience));
        Clock.Advance(TimeSpan.FromSeconds(1));
        gate.Release();

        Assert.Equal(0, await TicksAsync(actor));
    }

    [Fact]
    public async Task Timers_AreCancelledWhenTheActorRestarts()
    {
        var actor = System.ActorOf(Props.Create(() => new TickingActor(t => t.StartSingleTimer("k", "tick", TimeSpan.FromSeconds(10)))), "restarting");
        await SettleAsync(actor);
        actor.Tell("start-extra", null);
        await SettleAsync(actor);
        Assert.Equal(2, Clock.ActiveTimers);

        actor.Tell("boom", null);
        await SettleAsync(actor);

        Assert.Equal(1, Clock.ActiveTimers);
        await AdvanceAsync(TimeSpan.FromMinutes(1), actor);
        Assert.Equal(1, await TicksAsync(actor));
    }

    [Fact]
    public async Task ReceiveTimeout_FiresAfterAnIdlePeriod_ActivityPostponesIt_AndItRepeats()
    {
        var actor = System.ActorOf(Props.Create(() => new IdleActor(TimeSpan.FromSeconds(10))), "idle");
        Assert.Equal(0, await TimeoutsAsync(actor));

        Clock.Advance(TimeSpan.FromSeconds(9));
        actor.Tell("work", null);
        Assert.Equal(0, await TimeoutsAsync(actor));
        Clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, await TimeoutsAsync(actor));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await TimeoutsAsync(actor));
        Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, await TimeoutsAsync(actor));

        actor.Tell("off", null);
        Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(2, await TimeoutsAsync(actor));
    }

    private static Task<int> TicksAsync(IActorRef actor) => actor.Ask<int>("ticks", TestProbe.Patience);

    private static Task<int> TimeoutsAsync(IActorRef actor) => actor.Ask<int>(new CountTimeouts(), TestProbe.Patience);

    private sealed class CountTimeouts : INotInfluenceReceiveTimeout;

    private sealed class TickingActor(Action<ITimerScheduler> start, SemaphoreSlim? entered = null, SemaphoreSlim? gate = null) : ActorBase
    {
        private int _ticks;

        protected override void PreStart() => start(Timers);

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case Ping:
                    Sender.Tell(Pong.Instance);
                    break;
                case "tick":
                    _ticks++;
                    break;
                case "ticks":
                    Sender.Tell(_ticks);
                    break;
                case "cancel":
                    Timers.Cancel("k");
                    break;
                case "start-extra":
                    Timers.StartPeriodicTimer("extra", "tock", TimeSpan.FromSeconds(3));
                    break;
                case "boom":
                    throw new InvalidOperationException("boom");
                case "block-then-cancel":
                    entered!.Release();
                    gate!.Wait(TestProbe.Patience);
                    Timers.Cancel("k");
                    break;
            }
        }
    }

    private sealed class IdleActor(TimeSpan timeout) : ActorBase
    {
        private int _timeouts;

        protected override void PreStart() => Context.SetReceiveTimeout(timeout);

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case ReceiveTimeout:
                    _timeouts++;
                    break;
                case CountTimeouts:
                    Sender.Tell(_timeouts);
                    break;
                case "off":
                    Context.SetReceiveTimeout(null);
                    break;
            }
        }
    }
}
