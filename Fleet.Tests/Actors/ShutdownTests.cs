using System.Collections.Concurrent;
using Fleet.Shared.Actors;
using Fleet.Tests.Actors.Support;

namespace Fleet.Tests.Actors;

public sealed class ShutdownTests : ActorTestBase
{
    [Fact]
    public async Task Terminate_StopsChildrenBeforeParents_BottomUp()
    {
        var stopped = new ConcurrentQueue<string>();
        System.ActorOf(Props.Create(() => new TreeActor(stopped, "a", 2, 2)), "a");
        System.ActorOf(Props.Create(() => new TreeActor(stopped, "b", 3, 1)), "b");
        await Wait.UntilAsync(() => System.GetMetrics().LiveActors == 1 + 7 + 4, "the whole tree started");

        using var cts = new CancellationTokenSource(TestProbe.Patience);
        await System.TerminateAsync(cts.Token);

        var order = stopped.ToList();
        Assert.Equal(11, order.Count);
        foreach (var name in order)
        {
            var slash = name.LastIndexOf('/');
            var parent = slash > 0 ? name[..slash] : string.Empty;
            if (parent.Length > 0)
            {
                Assert.True(order.IndexOf(name) < order.IndexOf(parent), $"{name} stopped after its parent {parent}: {string.Join(", ", order)}");
            }
        }

        Assert.Equal(0, System.GetMetrics().LiveActors);
    }

    [Fact]
    public async Task Stop_StopsTheSubtreeFirst_ThenWatchersSeeTerminatedOnce()
    {
        var stopped = new ConcurrentQueue<string>();
        var probe = CreateProbe();
        var a = System.ActorOf(Props.Create(() => new TreeActor(stopped, "a", 2, 2)), "a");
        var watcher = System.ActorOf(Props.Create(() => new WatchOnce(a, probe.Ref)), "watcher");
        await SettleAsync(watcher);
        await Wait.UntilAsync(() => System.GetMetrics().LiveActors == 1 + 1 + 1 + 7, "the subtree started");

        System.Stop(a);

        Assert.Equal(a, (await probe.ExpectMsgAsync<Terminated>()).ActorRef);
        Assert.Equal(7, stopped.Count);
        Assert.Equal("a", stopped.Last());
        watcher.Tell("marker", null);
        await probe.ExpectMsgAsync("marker");
    }

    [Fact]
    public async Task ActorOf_AfterTermination_Throws()
    {
        using var cts = new CancellationTokenSource(TestProbe.Patience);
        await System.TerminateAsync(cts.Token);

        Assert.Throws<InvalidOperationException>(() => System.ActorOf(Props.Create(() => new TreeActor(new(), "x", 0, 0)), "x"));
    }

    private sealed class TreeActor(ConcurrentQueue<string> stopped, string label, int fanOut, int depth) : ActorBase
    {
        protected override void PreStart()
        {
            for (var i = 0; i < (depth > 0 ? fanOut : 0); i++)
            {
                var name = "c" + i;
                Context.ActorOf(Props.Create(() => new TreeActor(stopped, label + "/" + name, fanOut, depth - 1)), name);
            }
        }

        protected override void PostStop() => stopped.Enqueue(label);

        protected override void OnReceive(object message)
        {
        }
    }

    private sealed class WatchOnce(IActorRef subject, IActorRef probe) : ActorBase
    {
        protected override void PreStart() => Context.Watch(subject);

        protected override void OnReceive(object message)
        {
            if (message is Ping)
            {
                Sender.Tell(Pong.Instance);
                return;
            }

            probe.Tell(message);
        }
    }
}
