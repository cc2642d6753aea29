using Fleet.Shared.Actors;
using Fleet.Shared.Actors.Supervision;
using Fleet.Tests.Actors.Support;

namespace Fleet.Tests.Actors;

public sealed class SupervisionTests : ActorTestBase
{
    [Fact]
    public async Task Resume_KeepsState()
    {
        var probe = CreateProbe();
        var child = await SpawnUnderAsync(new OneForOneStrategy(_ => Directive.Resume), probe, "counter");

        child.Tell("inc", null);
        child.Tell("inc", null);
        child.Tell("boom", null);

        Assert.Equal(2, await child.Ask<int>(CounterActor.Get.Instance, TestProbe.Patience));
    }

    [Fact]
    public async Task Restart_ResetsState()
    {
        var probe = CreateProbe();
        var child = await SpawnUnderAsync(new OneForOneStrategy(_ => Directive.Restart), probe, "counter");

        child.Tell("inc", null);
        child.Tell("inc", null);
        child.Tell("boom", null);

        Assert.Equal(0, await child.Ask<int>(CounterActor.Get.Instance, TestProbe.Patience));
    }

    [Fact]
    public async Task Restart_DoesNotRedeliverTheFailingMessage_AndCallsTheHooksInOrder()
    {
        var probe = CreateProbe();
        var child = await SpawnUnderAsync(new OneForOneStrategy(_ => Directive.Restart), probe, "c");

        child.Tell("a", null);
        child.Tell("boom", null);
        child.Tell("b", null);

        await probe.ExpectMsgAsync("c:started");
        await probe.ExpectMsgAsync("c:received:a");
        await probe.ExpectMsgAsync("c:received:boom");
        await probe.ExpectMsgAsync("c:pre-restart:boom");
        await probe.ExpectMsgAsync("c:restarted");
        await probe.ExpectMsgAsync("c:received:b");
        await SettleAsync(child);
        Assert.False(probe.HasMessages);
    }

    [Fact]
    public async Task Restart_WhenIntensityExceeded_EscalatesToParent()
    {
        var probe = CreateProbe();
        var escalations = CreateProbe();
        var top = System.ActorOf(
            Props.Create(() => new SupervisorActor(probe.Ref, "top")).WithSupervisorStrategy(new OneForOneStrategy(ex =>
            {
                escalations.Ref.Tell(ex, null);
                return Directive.Stop;
            })),
            "top");
        var middle = await top.Ask<IActorRef>(new SupervisorActor.Spawn(Props.Create(() => new SupervisorActor(probe.Ref, "middle")), "middle"), TestProbe.Patience);
        var child = await middle.Ask<IActorRef>(new SupervisorActor.Spawn(Props.Create(() => new CounterActor(probe.Ref, "c")), "c"), TestProbe.Patience);

        child.Tell("boom-1", null);
        await probe.FishForMessageAsync<string>(m => m == "c:restarted");
        child.Tell("boom-2", null);

        var escalated = await escalations.ExpectMsgAsync<RestartBudgetExceededException>();
        var cause = Assert.IsType<InvalidOperationException>(escalated.InnerException);
        Assert.Equal("boom-2", cause.Message);
        await probe.FishForMessageAsync<string>(m => m == "middle:stopped");
    }

    [Fact]
    public async Task Restart_AfterTheWindowHasPassed_IsWithinBudgetAgain()
    {
        var probe = CreateProbe();
        var escalations = CreateProbe();
        var top = System.ActorOf(
            Props.Create(() => new SupervisorActor(probe.Ref, "top")).WithSupervisorStrategy(new OneForOneStrategy(ex =>
            {
                escalations.Ref.Tell(ex, null);
                return Directive.Stop;
            })),
            "top");
        var child = await top.Ask<IActorRef>(new SupervisorActor.Spawn(Props.Create(() => new CounterActor(probe.Ref, "c")), "c"), TestProbe.Patience);
        var middle = System.ActorOf(Props.Create(() => new SupervisorActor(probe.Ref, "m")), "m");
        var grandchild = await middle.Ask<IActorRef>(new SupervisorActor.Spawn(Props.Create(() => new CounterActor(probe.Ref, "g")), "g"), TestProbe.Patience);

        grandchild.Tell("boom-1", null);
        await probe.FishForMessageAsync<string>(m => m == "g:restarted");
        Clock.Advance(SupervisorStrategy.DefaultWithinTimeRange);
        grandchild.Tell("boom-2", null);
        await probe.FishForMessageAsync<string>(m => m == "g:restarted");

        Assert.Equal(0, await grandchild.Ask<int>(CounterActor.Get.Instance, TestProbe.Patience));
        Assert.False(escalations.HasMessages);
        Assert.Equal(0, await child.Ask<int>(CounterActor.Get.Instance, TestProbe.Patience));
    }

    [Fact]
    public async Task Escalate_ThenResumeOfTheSupervisor_ResumesTheFailedChildWithItsState()
    {
        var probe = CreateProbe();
        var top = System.ActorOf(Props.Create(() => new SupervisorActor()).WithSupervisorStrategy(new OneForOneStrategy(_ => Directive.Resume)), "top");
        var middleProps = Props.Create(() => new SupervisorActor(probe.Ref, "middle")).WithSupervisorStrategy(new OneForOneStrategy(_ => Directive.Escalate));
        var middle = await top.Ask<IActorRef>(new SupervisorActor.Spawn(middleProps, "middle"), TestProbe.Patience);
        var child = await middle.Ask<IActorRef>(new SupervisorActor.Spawn(Props.Create(() => new CounterActor(probe.Ref, "c")), "c"), TestProbe.Patience);
        child.Tell("inc", null);

        child.Tell("boom", null);
        child.Tell("inc", null);

        await probe.FishForMessageAsync<string>(m => m == "c:received:boom");
        Assert.Equal(2, await child.Ask<int>(CounterActor.Get.Instance, TestProbe.Patience));
        await SettleAsync(middle);
        Assert.False(probe.HasMessages);
    }

    [Fact]
    public async Task AllForOne_RestartsSiblings()
    {
        var probe = CreateProbe();
        var parent = System.ActorOf(Props.Create(() => new SupervisorActor()).WithSupervisorStrategy(new AllForOneStrategy(_ => Directive.Restart)), "parent");
        var a = await parent.Ask<IActorRef>(new SupervisorActor.Spawn(Props.Create(() => new CounterActor(probe.Ref, "a")), "a"), TestProbe.Patience);
        var b = await parent.Ask<IActorRef>(new SupervisorActor.Spawn(Props.Create(() => new CounterActor(probe.Ref, "b")), "b"), TestProbe.Patience);
        b.Tell("inc", null);
        b.Tell("inc", null);
        Assert.Equal(2, await b.Ask<int>(CounterActor.Get.Instance, TestProbe.Patience));

        a.Tell("boom", null);

        await probe.FishForMessageAsync<string>(m => m == "b:restarted");
        Assert.Equal(0, await b.Ask<int>(CounterActor.Get.Instance, TestProbe.Patience));
    }

    [Fact]
    public async Task Restart_StopsTheChildrenOfTheFailedInstance_BeforeTheFreshInstanceStarts()
    {
        var probe = CreateProbe();
        var family = System.ActorOf(Props.Create(() => new FamilyActor(probe.Ref)), "family");
        await probe.ExpectMsgAsync("family:started");
        await probe.ExpectMsgAsync("kid:started");

        family.Tell("boom", null);

        await probe.ExpectMsgAsync("family:pre-restart");
        await probe.ExpectMsgAsync("kid:stopped");
        await probe.ExpectMsgAsync("family:started");
        await probe.ExpectMsgAsync("kid:started");
    }

    [Fact]
    public async Task AllForOne_Stop_StopsEveryChild()
    {
        var probe = CreateProbe();
        var parent = System.ActorOf(Props.Create(() => new SupervisorActor()).WithSupervisorStrategy(new AllForOneStrategy(_ => Directive.Stop)), "parent");
        var a = await parent.Ask<IActorRef>(new SupervisorActor.Spawn(Props.Create(() => new CounterActor(probe.Ref, "a")), "a"), TestProbe.Patience);
        await parent.Ask<IActorRef>(new SupervisorActor.Spawn(Props.Create(() => new CounterActor(probe.Ref, "b")), "b"), TestProbe.Patience);

        a.Tell("boom", null);

        var stopped = new HashSet<string>();
        while (stopped.Count < 2)
        {
            stopped.Add(await probe.FishForMessageAsync<string>(m => m.EndsWith(":stopped", StringComparison.Ordinal)));
        }

        Assert.Equal(["a:stopped", "b:stopped"], stopped.Order());
    }

    [Fact]
    public async Task OneForOne_FailingChild_DoesNotAffectSiblings()
    {
        var probe = CreateProbe();
        var parent = System.ActorOf(Props.Create(() => new SupervisorActor()).WithSupervisorStrategy(new OneForOneStrategy(_ => Directive.Restart)), "parent");
        var a = await parent.Ask<IActorRef>(new SupervisorActor.Spawn(Props.Create(() => new CounterActor(probe.Ref, "a")), "a"), TestProbe.Patience);
        var b = await parent.Ask<IActorRef>(new SupervisorActor.Spawn(Props.Create(() => new CounterActor(probe.Ref, "b")), "b"), TestProbe.Patience);
        b.Tell("inc", null);
        b.Tell("inc", null);

        a.Tell("boom", null);
        await probe.FishForMessageAsync<string>(m => m == "a:restarted");

        Assert.Equal(2, await b.Ask<int>(CounterActor.Get.Instance, TestProbe.Patience));
    }

    [Fact]
    public async Task Stop_Directive_StopsTheChild_AndWatchersSeeIt()
    {
        var probe = CreateProbe();
        var child = await SpawnUnderAsync(new OneForOneStrategy(_ => Directive.Stop), probe, "c");
        var watcher = System.ActorOf(Props.Create(() => new WatchingActor(probe.Ref)), "watcher");
        watcher.Tell(child, null);
        await SettleAsync(watcher);

        child.Tell("boom", null);

        await probe.FishForMessageAsync<string>(m => m == "c:stopped");
        Assert.Equal(child, (await probe.FishForMessageAsync<Terminated>()).ActorRef);
    }

    [Fact]
    public async Task DefaultDecider_StopsAnActorWhoseStartFailed()
    {
        var probe = CreateProbe();
        var watcher = System.ActorOf(Props.Create(() => new WatchingActor(probe.Ref)), "watcher");
        var broken = System.ActorOf(Props.Create(() => new FailingStartActor()), "broken");
        watcher.Tell(broken, null);

        Assert.Equal(broken, (await probe.FishForMessageAsync<Terminated>()).ActorRef);
    }

    [Fact]
    public async Task Escalation_AtTheRootGuardian_StopsTheUserTree_AndPublishesAnError()
    {
        var observer = new ChannelRef();
        System.EventStream.Subscribe(observer, typeof(ActorErrorEvent));
        var probe = new ChannelRef();
        var top = System.ActorOf(Props.Create(() => new CounterActor(probe, "top")), "top");

        top.Tell("boom-1", null);
        await probe.FishForMessageAsync<string>(m => m == "top:restarted");
        top.Tell("boom-2", null);

        var rootError = await observer.FishForMessageAsync<ActorErrorEvent>(e => e.Source.Path.ToString() == "fleet://test/user");
        Assert.IsType<RestartBudgetExceededException>(rootError.Cause);
        using var cts = new CancellationTokenSource(TestProbe.Patience);
        await System.WhenTerminated.WaitAsync(cts.Token);
        await probe.FishForMessageAsync<string>(m => m == "top:stopped");
        Assert.Throws<InvalidOperationException>(() => System.ActorOf(Props.Create(() => new CounterActor(probe, "late")), "late"));
    }

    private async Task<IActorRef> SpawnUnderAsync(SupervisorStrategy strategy, TestProbe probe, string name)
    {
        var parent = System.ActorOf(Props.Create(() => new SupervisorActor()).WithSupervisorStrategy(strategy), "parent-" + name);
        return await parent.Ask<IActorRef>(new SupervisorActor.Spawn(Props.Create(() => new CounterActor(probe.Ref, name)), name), TestProbe.Patience);
    }

    private sealed class WatchingActor(IActorRef probe) : ActorBase
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
                    probe.Tell(message);
                    break;
            }
        }
    }

    private sealed class FamilyActor(IActorRef probe) : ActorBase
    {
        protected override void PreStart()
        {
            probe.Tell("family:started");
            Context.ActorOf(Props.Create(() => new CounterActor(probe, "kid")), "kid");
        }

        protected override void PreRestart(Exception reason, object? message) => probe.Tell("family:pre-restart");

        protected override void OnReceive(object message) => throw new InvalidOperationException(message.ToString());
    }

    private sealed class FailingStartActor : ActorBase
    {
        protected override void PreStart() => throw new InvalidOperationException("cannot start");

        protected override void OnReceive(object message)
        {
        }
    }
}
