using Fleet.Shared.Actors;
using Fleet.Tests.Actors.Support;

namespace Fleet.Tests.Actors;

public sealed class DeathWatchTests : ActorTestBase
{
    [Fact]
    public async Task Terminated_ArrivesAfterEveryMessageTheDeadActorSentBeforeStopping()
    {
        var probe = CreateProbe();
        var watcher = System.ActorOf(Props.Create(() => new WatcherActor(probe.Ref)), "watcher");
        var chatty = System.ActorOf(Props.Create(() => new ChattyActor()), "chatty");
        watcher.Tell(new WatchIt(chatty), null);
        await SettleAsync(watcher);

        chatty.Tell(new Burst(watcher, 500), null);

        for (var i = 0; i < 500; i++)
        {
            await probe.ExpectMsgAsync(i);
        }

        Assert.Equal(chatty, (await probe.ExpectMsgAsync<Terminated>()).ActorRef);
    }

    [Fact]
    public async Task Terminated_IsDeliveredExactlyOnce_EvenWhenWatchedTwice()
    {
        var probe = CreateProbe();
        var watcher = System.ActorOf(Props.Create(() => new WatcherActor(probe.Ref)), "watcher");
        var subject = System.ActorOf(Props.Create(() => new ChattyActor()), "subject");
        watcher.Tell(new WatchIt(subject), null);
        watcher.Tell(new WatchIt(subject), null);
        await SettleAsync(watcher);

        System.Stop(subject);
        await probe.ExpectMsgAsync<Terminated>();
        watcher.Tell("marker", null);

        await probe.ExpectMsgAsync("marker");
    }

    [Fact]
    public async Task Terminated_MeansTheNameIsFree_SoAWatcherMayRecreateATopLevelActorAtOnce()
    {
        // Eight loops at once keep the user guardian busy, so its processing of a child's death lags the watchers'.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async loop =>
        {
            var probe = CreateProbe();
            var watcher = System.ActorOf(Props.Create(() => new WatcherActor(probe.Ref)), $"recreator-{loop}");
            for (var i = 0; i < 200; i++)
            {
                var subject = System.ActorOf(Props.Create(() => new ChattyActor()), $"reborn-{loop}");
                watcher.Tell(new WatchIt(subject), null);
                await SettleAsync(watcher);
                System.Stop(subject);
                Assert.Equal(subject, (await probe.ExpectMsgAsync<Terminated>()).ActorRef);
            }
        }));
    }

    [Fact]
    public async Task Watch_OfAnAlreadyDeadActor_DeliversTerminatedAtOnce()
    {
        var probe = CreateProbe();
        var first = System.ActorOf(Props.Create(() => new WatcherActor(probe.Ref)), "first");
        var subject = System.ActorOf(Props.Create(() => new ChattyActor()), "subject");
        first.Tell(new WatchIt(subject), null);
        await SettleAsync(first);
        System.Stop(subject);
        await probe.ExpectMsgAsync<Terminated>();

        var late = System.ActorOf(Props.Create(() => new WatcherActor(probe.Ref)), "late");
        late.Tell(new WatchIt(subject), null);

        Assert.Equal(subject, (await probe.ExpectMsgAsync<Terminated>()).ActorRef);
    }

    [Fact]
    public async Task Unwatch_BeforeTheSubjectStops_SuppressesTerminated()
    {
        var probe = CreateProbe();
        var watcher = System.ActorOf(Props.Create(() => new WatcherActor(probe.Ref)), "watcher");
        var subject = System.ActorOf(Props.Create(() => new ChattyActor()), "subject");
        var other = System.ActorOf(Props.Create(() => new ChattyActor()), "other");
        watcher.Tell(new WatchIt(subject), null);
        watcher.Tell(new WatchIt(other), null);
        watcher.Tell(new UnwatchIt(subject), null);
        await SettleAsync(watcher);

        System.Stop(subject);
        System.Stop(other);

        Assert.Equal(other, (await probe.ExpectMsgAsync<Terminated>()).ActorRef);
        watcher.Tell("marker", null);
        await probe.ExpectMsgAsync("marker");
    }

    [Fact]
    public async Task UnhandledTerminated_StopsTheWatcherWithADeathPact()
    {
        var probe = CreateProbe();
        var observer = System.ActorOf(Props.Create(() => new WatcherActor(probe.Ref)), "observer");
        var careless = System.ActorOf(Props.Create(() => new CarelessWatcher()), "careless");
        var subject = System.ActorOf(Props.Create(() => new ChattyActor()), "subject");
        observer.Tell(new WatchIt(careless), null);
        careless.Tell(subject, null);
        await SettleAsync(careless);

        System.Stop(subject);

        Assert.Equal(careless, (await probe.ExpectMsgAsync<Terminated>()).ActorRef);
    }

    [Fact]
    public async Task Terminated_IsDelivered_EvenToAFullBoundedMailbox()
    {
        var probe = CreateProbe();
        var entered = new SemaphoreSlim(0);
        var gate = new SemaphoreSlim(0);
        var watcher = System.ActorOf(
            Props.Create(() => new BlockingWatcher(probe.Ref, entered, gate)).WithMailbox(MailboxOptions.Bounded(2)),
            "watcher");
        var subject = System.ActorOf(Props.Create(() => new ChattyActor()), "subject");
        watcher.Tell(new WatchIt(subject), null);
        watcher.Tell("block", null);
        Assert.True(await entered.WaitAsync(TestProbe.Patience));
        watcher.Tell("filler-1", null);
        watcher.Tell("filler-2", null);
        var live = System.GetMetrics().LiveActors;

        System.Stop(subject);
        await Wait.UntilAsync(() => System.GetMetrics().LiveActors == live - 1, "the subject stopped and notified its watchers");
        gate.Release();

        await probe.ExpectMsgAsync("filler-1");
        await probe.ExpectMsgAsync("filler-2");
        Assert.Equal(subject, (await probe.ExpectMsgAsync<Terminated>()).ActorRef);
        Assert.Equal(0, System.GetMetrics().MailboxRejected);
    }

    private sealed record WatchIt(IActorRef Subject);

    private sealed class BlockingWatcher(IActorRef probe, SemaphoreSlim entered, SemaphoreSlim gate) : ActorBase
    {
        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case WatchIt watch:
                    Context.Watch(watch.Subject);
                    break;
                case "block":
                    entered.Release();
                    gate.Wait(TestProbe.Patience);
                    break;
                default:
                    probe.Tell(message);
                    break;
            }
        }
    }

    private sealed record UnwatchIt(IActorRef Subject);

    private sealed record Burst(IActorRef Target, int Count);

    private sealed class WatcherActor(IActorRef probe) : ActorBase
    {
        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case Ping:
                    Sender.Tell(Pong.Instance);
                    break;
                case WatchIt watch:
                    Context.Watch(watch.Subject);
                    break;
                case UnwatchIt unwatch:
                    Context.Unwatch(unwatch.Subject);
                    break;
                default:
                    probe.Tell(message);
                    break;
            }
        }
    }

    private sealed class ChattyActor : ActorBase
    {
        protected override void OnReceive(object message)
        {
            if (message is Burst burst)
            {
                for (var i = 0; i < burst.Count; i++)
                {
                    burst.Target.Tell(i);
                }

                Context.Stop(Self);
            }
        }
    }

    private sealed class CarelessWatcher : ActorBase
    {
        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case Ping:
                    Sender.Tell(Pong.Instance);
                    break;
                case IActorRef subject:
                    Context.Watch(subject);
                    break;
                default:
                    Unhandled(message);
                    break;
            }
        }
    }
}
