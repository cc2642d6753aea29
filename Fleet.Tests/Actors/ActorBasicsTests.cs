using Fleet.Shared.Actors;
using Fleet.Tests.Actors.Support;

namespace Fleet.Tests.Actors;

public sealed class ActorBasicsTests : ActorTestBase
{
    [Fact]
    public async Task Tell_FromOneSender_ArrivesInOrder()
    {
        var probe = CreateProbe();
        var echo = System.ActorOf(Props.Create(() => new EchoActor(probe.Ref)), "echo");

        for (var i = 0; i < 1000; i++)
        {
            echo.Tell(i, null);
        }

        for (var i = 0; i < 1000; i++)
        {
            await probe.ExpectMsgAsync(i);
        }
    }

    [Fact]
    public async Task Sender_IsTheTellingActor_AndRepliesReachIt()
    {
        var probe = CreateProbe();
        var echo = System.ActorOf(Props.Create(() => new EchoActor(null)), "echo");

        echo.Tell("hello", probe.Ref);

        Assert.Equal("hello", await probe.ExpectMsgAsync<string>());
        Assert.Equal(echo, probe.LastSender);
    }

    [Fact]
    public async Task Forward_KeepsTheOriginalSender()
    {
        var probe = CreateProbe();
        var echo = System.ActorOf(Props.Create(() => new EchoActor(null)), "echo");
        var forwarder = System.ActorOf(Props.Create(() => new ForwardingActor(echo)), "forwarder");

        forwarder.Tell("via", probe.Ref);

        Assert.Equal("via", await probe.ExpectMsgAsync<string>());
        Assert.Equal(echo, probe.LastSender);
    }

    [Fact]
    public async Task BecomeAndUnbecome_SwitchBehaviourForFollowingMessages()
    {
        var probe = CreateProbe();
        var actor = System.ActorOf(Props.Create(() => new MoodActor(probe.Ref)), "mood");

        foreach (var message in new[] { "hi", "angry", "hi", "calm", "hi", "stack", "hi", "pop", "hi" })
        {
            actor.Tell(message, null);
        }

        Assert.Equal("happy:hi", await probe.ExpectMsgAsync<string>());
        Assert.Equal("angry:hi", await probe.ExpectMsgAsync<string>());
        Assert.Equal("happy:hi", await probe.ExpectMsgAsync<string>());
        Assert.Equal("stacked:hi", await probe.ExpectMsgAsync<string>());
        Assert.Equal("happy:hi", await probe.ExpectMsgAsync<string>());
    }

    [Fact]
    public async Task UnstashAll_ReplaysStashedMessagesInOrder_BeforeLaterOnes()
    {
        var probe = CreateProbe();
        var actor = System.ActorOf(Props.Create(() => new GateActor(probe.Ref)), "gate");

        actor.Tell(1, null);
        actor.Tell(2, null);
        actor.Tell(3, null);
        actor.Tell("open", null);
        actor.Tell(4, null);

        for (var i = 1; i <= 4; i++)
        {
            await probe.ExpectMsgAsync(i);
        }
    }

    [Fact]
    public async Task PoisonPill_StopsAfterEarlierMessages_AndLaterOnesBecomeDeadLetters()
    {
        var probe = CreateProbe();
        var deadLetters = CreateProbe();
        System.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));
        var echo = System.ActorOf(Props.Create(() => new EchoActor(probe.Ref)), "echo");

        echo.Tell("before", null);
        echo.Tell(PoisonPill.Instance, null);
        echo.Tell("after", null);

        await probe.ExpectMsgAsync("before");
        var letter = await deadLetters.FishForMessageAsync<DeadLetter>(d => Equals(d.Message, "after"));
        Assert.Equal(DeadLetterReason.RecipientTerminated, letter.Reason);
        Assert.Equal(echo, letter.Recipient);
    }

    [Fact]
    public void ActorOf_WithATakenOrReservedName_Throws()
    {
        System.ActorOf(Props.Create(() => new EchoActor(null)), "twin");

        Assert.Throws<InvalidActorNameException>(() => System.ActorOf(Props.Create(() => new EchoActor(null)), "twin"));
        Assert.Throws<InvalidActorNameException>(() => System.ActorOf(Props.Create(() => new EchoActor(null)), "$reserved"));
        Assert.Throws<InvalidActorNameException>(() => System.ActorOf(Props.Create(() => new EchoActor(null)), "a/b"));
    }

    [Fact]
    public void NewActor_OutsideProps_Throws() =>
        Assert.Throws<InvalidOperationException>(() => new EchoActor(null));

    [Fact]
    public async Task Refs_AreEqualByPathAndIncarnation()
    {
        var probe = CreateProbe();
        var first = System.ActorOf(Props.Create(() => new EchoActor(null)), "same");
        probe.Ref.Tell(first.Path.ToString(), null);
        Assert.Equal("fleet://test/user/same", await probe.ExpectMsgAsync<string>());

        System.Stop(first);
        IActorRef? second = null;
        await Wait.UntilAsync(() => (second = TryCreate("same")) is not null, "the name is free again");

        Assert.NotNull(second);
        Assert.NotEqual(first, second);
        Assert.Equal(first.Path, second.Path);
        Assert.NotEqual(first.GetHashCode(), second.GetHashCode());
    }

    [Fact]
    public async Task UnhandledMessages_ArePublished()
    {
        var probe = CreateProbe();
        System.EventStream.Subscribe(probe.Ref, typeof(UnhandledMessage));
        var actor = System.ActorOf(Props.Create(() => new MoodActor(probe.Ref)), "mood");

        actor.Tell(42, null);

        var unhandled = await probe.ExpectMsgAsync<UnhandledMessage>();
        Assert.Equal(42, unhandled.Message);
        Assert.Equal(actor, unhandled.Recipient);
    }

    [Fact]
    public async Task Children_AreListedAndFoundByName_IncludingGeneratedNames()
    {
        var parent = System.ActorOf(Props.Create(() => new ParentActor()), "parent");

        var named = await parent.Ask<IActorRef>("spawn:kid", TestProbe.Patience);
        var generated = await parent.Ask<IActorRef>("spawn", TestProbe.Patience);

        Assert.StartsWith("$", generated.Path.Name, StringComparison.Ordinal);
        Assert.Equal(named, await parent.Ask<IActorRef>("find:kid", TestProbe.Patience));
        Assert.Equal(generated, await parent.Ask<IActorRef>("find:" + generated.Path.Name, TestProbe.Patience));
        Assert.Equal(2, await parent.Ask<int>("count", TestProbe.Patience));
    }

    [Fact]
    public async Task PipeTo_DeliversTheResult_OrAFailureStatus()
    {
        var probe = CreateProbe();

        await Task.FromResult("done").PipeTo(probe.Ref);
        await Task.FromException<string>(new InvalidOperationException("bad")).PipeTo(probe.Ref);

        Assert.Equal("done", await probe.ExpectMsgAsync<string>());
        Assert.Equal("bad", (await probe.ExpectMsgAsync<Status.Failure>()).Cause.Message);
    }

    private IActorRef? TryCreate(string name)
    {
        try
        {
            return System.ActorOf(Props.Create(() => new EchoActor(null)), name);
        }
        catch (InvalidActorNameException)
        {
            return null;
        }
    }

    private sealed class ParentActor : ActorBase
    {
        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case "spawn":
                    Sender.Tell(Context.ActorOf(Props.Create(() => new EchoActor(null))));
                    break;
                case string spawn when spawn.StartsWith("spawn:", StringComparison.Ordinal):
                    Sender.Tell(Context.ActorOf(Props.Create(() => new EchoActor(null)), spawn["spawn:".Length..]));
                    break;
                case string find when find.StartsWith("find:", StringComparison.Ordinal):
                    Sender.Tell((object?)Context.Child(find["find:".Length..]) ?? "none");
                    break;
                case "count":
                    Sender.Tell(Context.Children.Count);
                    break;
            }
        }
    }

    private sealed class EchoActor(IActorRef? target) : ActorBase
    {
        protected override void OnReceive(object message)
        {
            if (message is Ping)
            {
                Sender.Tell(Pong.Instance);
                return;
            }

            (target ?? Sender).Tell(message);
        }
    }

    private sealed class ForwardingActor(IActorRef target) : ActorBase
    {
        protected override void OnReceive(object message) => target.Forward(message);
    }

    private sealed class MoodActor : ReceiveActor
    {
        public MoodActor(IActorRef probe)
        {
            Happy(probe);
        }

        private void Angry(IActorRef probe)
        {
            Receive<string>(s => s == "hi", s => probe.Tell("angry:" + s));
            Receive<string>(s => s == "calm", _ => Become(() => Happy(probe)));
        }

        private void Happy(IActorRef probe)
        {
            Receive<string>(s => s == "hi", s => probe.Tell("happy:" + s));
            Receive<string>(s => s == "angry", _ => Become(() => Angry(probe)));
            Receive<string>(s => s == "stack", _ => BecomeStacked(() =>
            {
                Receive<string>(s => s == "hi", s => probe.Tell("stacked:" + s));
                Receive<string>(s => s == "pop", _ => UnbecomeStacked());
            }));
        }
    }

    private sealed class GateActor(IActorRef probe) : ActorBase
    {
        private bool _open;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case "open":
                    _open = true;
                    Stash.UnstashAll();
                    break;
                case int when !_open:
                    Stash.Stash();
                    break;
                default:
                    probe.Tell(message);
                    break;
            }
        }
    }
}
