using System.Globalization;
using Fleet.Shared.Actors;
using Fleet.Shared.Actors.Sharding;
using Fleet.Tests.Actors.Support;

namespace Fleet.Tests.Actors.Sharding;

public sealed class ShardRegionTests : ActorTestBase
{
    private static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Region_StartsEntitiesOnFirstMessage_RoutesById_AndReportsStats()
    {
        var probe = CreateProbe();
        var region = ShardRegion.Start(System, Settings(probe.Ref));

        region.Tell(new ShardingEnvelope("a", "m1"), null);
        region.Tell(new ShardingEnvelope("b", "m1"), null);
        region.Tell(new ShardingEnvelope("a", "m2"), null);

        var received = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            received.Add(await probe.ExpectMsgAsync<string>());
        }

        Assert.Equal(["a:started", "a:m1", "a:m2"], received.Where(m => m.StartsWith("a:", StringComparison.Ordinal)));
        Assert.Equal(["b:started", "b:m1"], received.Where(m => m.StartsWith("b:", StringComparison.Ordinal)));
        var stats = await StatsAsync(region);
        Assert.Equal(2, stats.Entities);
        Assert.Equal(3, stats.MessagesDelivered);
        var expectedShards = new[] { "a", "b" }.Select(id => Shared.Protocol.Sharding.ShardOf(id).ToString(CultureInfo.InvariantCulture)).Distinct().Count();
        Assert.Equal(expectedShards, stats.Shards);
    }

    [Fact]
    public async Task Passivation_AfterIdleTimeout_StopsTheEntity_AndTheNextMessageRestartsIt()
    {
        var probe = CreateProbe();
        var region = ShardRegion.Start(System, Settings(probe.Ref) with { PassivateIdleAfter = IdleAfter });
        region.Tell(new ShardingEnvelope("a", "m1"), null);
        await probe.ExpectMsgAsync("a:started");
        await probe.ExpectMsgAsync("a:m1");

        Clock.Advance(IdleAfter * 1.5);

        await probe.ExpectMsgAsync("a:stopped");
        await Wait.UntilAsync(async () => (await StatsAsync(region)).Entities == 0, "the region forgot the passivated entity");
        region.Tell(new ShardingEnvelope("a", "m2"), null);
        await probe.ExpectMsgAsync("a:started");
        await probe.ExpectMsgAsync("a:m2");
        Assert.Equal(1, (await StatsAsync(region)).Passivations);
    }

    [Fact]
    public async Task Passivation_LosesNoMessageArrivingWhileTheEntityStops()
    {
        var probe = CreateProbe();
        var entered = new SemaphoreSlim(0);
        var gate = new SemaphoreSlim(0);
        var region = ShardRegion.Start(System, Settings(probe.Ref, entered, gate) with
        {
            PassivateIdleAfter = IdleAfter,
            HandOffStopMessage = "stop",
        });
        region.Tell(new ShardingEnvelope("a", "m1"), null);
        await probe.ExpectMsgAsync("a:started");
        await probe.ExpectMsgAsync("a:m1");

        Clock.Advance(IdleAfter * 1.5);
        Assert.True(await entered.WaitAsync(TestProbe.Patience));
        for (var i = 2; i <= 50; i++)
        {
            region.Tell(new ShardingEnvelope("a", "m" + i), null);
        }

        await StatsAsync(region);
        gate.Release();

        await probe.ExpectMsgAsync("a:stopped");
        await probe.ExpectMsgAsync("a:started");
        for (var i = 2; i <= 50; i++)
        {
            await probe.ExpectMsgAsync("a:m" + i);
        }

        Assert.Equal(50, (await StatsAsync(region)).MessagesDelivered);
    }

    [Fact]
    public async Task Passivate_RequestedByTheEntity_DeliversWhatWasQueuedBeforeStopping_ThenRestartsOnDemand()
    {
        var probe = CreateProbe();
        var region = ShardRegion.Start(System, Settings(probe.Ref));
        region.Tell(new ShardingEnvelope("a", "passivate"), null);
        region.Tell(new ShardingEnvelope("a", "m1"), null);

        await probe.ExpectMsgAsync("a:started");
        await probe.ExpectMsgAsync("a:passivate");
        await probe.ExpectMsgAsync("a:m1");
        await probe.ExpectMsgAsync("a:stopped");
        region.Tell(new ShardingEnvelope("a", "m2"), null);
        await probe.ExpectMsgAsync("a:started");
        await probe.ExpectMsgAsync("a:m2");
    }

    [Fact]
    public async Task RememberEntities_RestartsEntitiesWhenTheRegionStartsAgain()
    {
        var store = new InMemoryRememberEntitiesStore();
        var probe = CreateProbe();
        var settings = Settings(probe.Ref) with { RememberEntitiesStore = store };
        var first = ShardRegion.Start(System, settings);
        first.Tell(new ShardingEnvelope("a", "m1"), null);
        first.Tell(new ShardingEnvelope("b", "m1"), null);
        Assert.Equal(2, await CountAsync(probe, "m1"));

        await StopAndWaitAsync(first);
        var starts = await RestartCountAsync(probe, ShardRegion.Start(System, settings));

        Assert.Equal(["a:started", "b:started"], starts.Order());
        
    }

    [Fact]
    public async Task RememberEntities_ForgetsPassivatedEntities()
    {
        var store = new InMemoryRememberEntitiesStore();
        var probe = CreateProbe();
        var settings = Settings(probe.Ref) with { RememberEntitiesStore = store };
        var region = ShardRegion.Start(System, settings);
        region.Tell(new ShardingEnvelope("a", "m1"), null);
        region.Tell(new ShardingEnvelope("b", "passivate"), null);
        await probe.FishForMessageAsync<string>(m => m == "b:stopped");
        await Wait.UntilAsync(async () => (await StatsAsync(region)).Entities == 1, "b was passivated");

        await StopAndWaitAsync(region);
        var starts = await RestartCountAsync(probe, ShardRegion.Start(System, settings));

        Assert.Equal(["a:started"], starts);
    }

    private static ShardRegionSettings Settings(IActorRef probe, SemaphoreSlim? entered = null, SemaphoreSlim? gate = null) => new()
    {
        TypeName = "device",
        EntityProps = id => Props.Create(() => new EntityActor(id, probe, entered, gate)),
        MessageExtractor = new ShardingEnvelopeExtractor(),
    };

    private static Task<ShardRegionStats> StatsAsync(IActorRef region) =>
        region.Ask<ShardRegionStats>(GetShardRegionStats.Instance, TestProbe.Patience);

    private static async Task<int> CountAsync(TestProbe probe, string suffix)
    {
        var count = 0;
        while (count < 2)
        {
            if ((await probe.ExpectMsgAsync<string>()).EndsWith(":" + suffix, StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count;
    }

    private async Task StopAndWaitAsync(IActorRef region)
    {
        var watcher = CreateProbe();
        var observer = System.ActorOf(Props.Create(() => new Observer(region, watcher.Ref)));
        await SettleAsync(observer);
        System.Stop(region);
        await watcher.FishForMessageAsync<Terminated>();
    }

    private static async Task<List<string>> RestartCountAsync(TestProbe probe, IActorRef region)
    {
        var stats = await StatsAsync(region);
        var starts = new List<string>();
        while (starts.Count < stats.Entities)
        {
            var message = await probe.ExpectMsgAsync<string>();
            if (message.EndsWith(":started", StringComparison.Ordinal))
            {
                starts.Add(message);
            }
        }

        return starts;
    }

    private sealed class Observer(IActorRef subject, IActorRef probe) : ActorBase
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

    private sealed class EntityActor(string id, IActorRef probe, SemaphoreSlim? entered, SemaphoreSlim? gate) : ActorBase
    {
        protected override void PreStart() => probe.Tell(id + ":started");

        protected override void PostStop() => probe.Tell(id + ":stopped");

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case "stop":
                    entered?.Release();
                    gate?.Wait(TestProbe.Patience);
                    Context.Stop(Self);
                    break;
                case "passivate":
                    probe.Tell(id + ":passivate");
                    Context.Parent.Tell(new Passivate(PoisonPill.Instance));
                    break;
                default:
                    probe.Tell(id + ":" + message);
                    break;
            }
        }
    }
}
