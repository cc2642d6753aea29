using Fleet.Shared.Actors;
using Fleet.Tests.Actors.Support;

namespace Fleet.Tests.Actors;

public sealed class MailboxTests : ActorTestBase
{
    [Fact]
    public async Task BoundedMailbox_RejectPolicy_SendsNewMessagesToDeadLetters_AndCountsThem()
    {
        var probe = CreateProbe();
        var deadLetters = CreateProbe();
        System.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));

        await FillWhileBlockedAsync(probe, MailboxOverflow.RejectToDeadLetters);

        for (var i = 1; i <= 3; i++)
        {
            await probe.ExpectMsgAsync(i);
        }

        for (var i = 4; i <= 10; i++)
        {
            var letter = await deadLetters.ExpectMsgAsync<DeadLetter>();
            Assert.Equal(i, letter.Message);
            Assert.Equal(DeadLetterReason.MailboxFull, letter.Reason);
        }

        Assert.Equal(7, System.GetMetrics().MailboxRejected);
        Assert.Equal(0, System.GetMetrics().MailboxDroppedOldest);
    }

    [Fact]
    public async Task BoundedMailbox_DropOldestPolicy_KeepsTheNewest_AndCountsDrops()
    {
        var probe = CreateProbe();
        var deadLetters = CreateProbe();
        System.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));

        await FillWhileBlockedAsync(probe, MailboxOverflow.DropOldest);

        for (var i = 8; i <= 10; i++)
        {
            await probe.ExpectMsgAsync(i);
        }

        for (var i = 1; i <= 7; i++)
        {
            var letter = await deadLetters.ExpectMsgAsync<DeadLetter>();
            Assert.Equal(i, letter.Message);
            Assert.Equal(DeadLetterReason.DroppedOldest, letter.Reason);
        }

        Assert.Equal(7, System.GetMetrics().MailboxDroppedOldest);
        Assert.Equal(0, System.GetMetrics().MailboxRejected);
    }

    private async Task FillWhileBlockedAsync(TestProbe probe, MailboxOverflow overflow)
    {
        // Not disposed here: the actor may still be returning from gate.Wait when this method returns.
        var entered = new SemaphoreSlim(0);
        var gate = new SemaphoreSlim(0);
        var actor = System.ActorOf(
            Props.Create(() => new BlockingActor(probe.Ref, entered, gate)).WithMailbox(MailboxOptions.Bounded(3, overflow)),
            "bounded");

        actor.Tell("block", null);
        Assert.True(await entered.WaitAsync(TestProbe.Patience));
        for (var i = 1; i <= 10; i++)
        {
            actor.Tell(i, null);
        }

        gate.Release();
    }

    private sealed class BlockingActor(IActorRef probe, SemaphoreSlim entered, SemaphoreSlim gate) : ActorBase
    {
        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case "block":
                    entered.Release();
                    gate.Wait(TestProbe.Patience);
                    break;
                case Ping:
                    Sender.Tell(Pong.Instance);
                    break;
                default:
                    probe.Tell(message);
                    break;
            }
        }
    }
}
