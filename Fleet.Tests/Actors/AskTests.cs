using Fleet.Shared.Actors;
using Fleet.Tests.Actors.Support;

namespace Fleet.Tests.Actors;

public sealed class AskTests : ActorTestBase
{
    [Fact]
    public async Task Ask_ReturnsTheReply()
    {
        var actor = System.ActorOf(Props.Create(() => new Responder()), "responder");

        Assert.Equal("HELLO", await actor.Ask<string>("hello", TestProbe.Patience));
    }

    [Fact]
    public async Task Ask_WithoutReply_ThrowsAskTimeoutException_OnceTheClockPassesTheTimeout()
    {
        var actor = System.ActorOf(Props.Create(() => new Responder()), "responder");

        var ask = actor.Ask<string>("ignore", TimeSpan.FromSeconds(10));
        await SettleAsync(actor);
        Clock.Advance(TimeSpan.FromSeconds(9));
        Assert.False(ask.IsCompleted);
        Clock.Advance(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<AskTimeoutException>(() => ask);
    }

    [Fact]
    public async Task Ask_WhenCancelled_ThrowsOperationCanceled_AndTheLateReplyIsADeadLetter()
    {
        var deadLetters = CreateProbe();
        System.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));
        var actor = System.ActorOf(Props.Create(() => new Responder()), "responder");
        using var cts = new CancellationTokenSource();

        var ask = actor.Ask<string>("hold", TimeSpan.FromSeconds(10), cts.Token);
        await SettleAsync(actor);
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ask);
        actor.Tell("release", null);
        var letter = await deadLetters.FishForMessageAsync<DeadLetter>(d => Equals(d.Message, "HOLD"));
        Assert.Equal(DeadLetterReason.RecipientTerminated, letter.Reason);
    }

    [Fact]
    public async Task Ask_AnsweredWithFailure_ThrowsItsCause()
    {
        var actor = System.ActorOf(Props.Create(() => new Responder()), "responder");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => actor.Ask<string>("fail", TestProbe.Patience));
        Assert.Equal("no", error.Message);
    }

    [Fact]
    public async Task Ask_AnsweredWithAnotherType_ThrowsInvalidCast()
    {
        var actor = System.ActorOf(Props.Create(() => new Responder()), "responder");

        await Assert.ThrowsAsync<InvalidCastException>(() => actor.Ask<int>("hello", TestProbe.Patience));
    }

    [Fact]
    public async Task Ask_OfAStoppedActor_TimesOut()
    {
        var actor = System.ActorOf(Props.Create(() => new Responder()), "responder");
        await actor.Ask<string>("x", TestProbe.Patience);
        System.Stop(actor);
        var probe = CreateProbe();
        System.EventStream.Subscribe(probe.Ref, typeof(DeadLetter));
        await Wait.UntilAsync(() => System.GetMetrics().LiveActors == 2, "the responder stopped");

        var ask = actor.Ask<string>("late", TimeSpan.FromSeconds(5));
        await probe.FishForMessageAsync<DeadLetter>(d => Equals(d.Message, "late"));
        Clock.Advance(TimeSpan.FromSeconds(5));

        await Assert.ThrowsAsync<AskTimeoutException>(() => ask);
    }

    private sealed class Responder : ActorBase
    {
        private IActorRef? _held;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case Ping:
                    Sender.Tell(Pong.Instance);
                    break;
                case "ignore":
                    break;
                case "hold":
                    _held = Sender;
                    break;
                case "release":
                    _held?.Tell("HOLD");
                    break;
                case "fail":
                    Sender.Tell(new Status.Failure(new InvalidOperationException("no")));
                    break;
                case string text:
                    Sender.Tell(text.ToUpperInvariant());
                    break;
            }
        }
    }
}
