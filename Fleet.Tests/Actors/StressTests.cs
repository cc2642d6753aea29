using Fleet.Shared.Actors;
using Fleet.Tests.Actors.Support;

namespace Fleet.Tests.Actors;

public sealed class StressTests : ActorTestBase
{
    private const int Receivers = 10_000;
    private const int Senders = 100;
    private const int MessagesPerSender = 10_000;

    [Fact]
    public async Task TenThousandActors_OneMillionMessages_NoLossNoDuplicationPerSenderFifo()
    {
        var stats = new Stats();
        var receivers = new IActorRef[Receivers];
        for (var i = 0; i < Receivers; i++)
        {
            receivers[i] = System.ActorOf(Props.Create(() => new Receiver(stats)));
        }

        var senders = new IActorRef[Senders];
        for (var s = 0; s < Senders; s++)
        {
            senders[s] = System.ActorOf(Props.Create(() => new Sender(receivers)));
        }

        for (var s = 0; s < Senders; s++)
        {
            senders[s].Tell(new Go(s), null);
        }

        await Wait.UntilAsync(() => Volatile.Read(ref stats.Received) >= Senders * MessagesPerSender, "every message arrived");
        foreach (var receiver in receivers)
        {
            receiver.Tell(Verify.Instance, null);
        }

        await Wait.UntilAsync(() => Volatile.Read(ref stats.Verified) == Receivers, "every receiver verified its counts");
        Assert.Equal(0, Volatile.Read(ref stats.OutOfOrder));
        Assert.Equal(0, Volatile.Read(ref stats.WrongTotals));
        Assert.Equal(Senders * MessagesPerSender, Volatile.Read(ref stats.Received));
        Assert.Equal(0, System.GetMetrics().DeadLetters);
    }

    private sealed class Stats
    {
        public int Received;
        public int OutOfOrder;
        public int WrongTotals;
        public int Verified;
    }

    private sealed record Go(int SenderId);

    private sealed record Message(int SenderId, int Sequence);

    private sealed class Verify
    {
        public static readonly Verify Instance = new();
    }

    private sealed class Sender(IActorRef[] receivers) : ActorBase
    {
        protected override void OnReceive(object message)
        {
            var go = (Go)message;
            for (var k = 0; k < MessagesPerSender; k++)
            {
                receivers[((go.SenderId * 7919) + k) % Receivers].Tell(new Message(go.SenderId, k));
            }
        }
    }

    private sealed class Receiver(Stats stats) : ActorBase
    {
        private readonly int[] _last = CreateLast();
        private readonly int[] _count = new int[Senders];

        protected override void OnReceive(object message)
        {
            if (message is Verify)
            {
                for (var s = 0; s < Senders; s++)
                {
                    if (_count[s] != MessagesPerSender / Receivers)
                    {
                        Interlocked.Increment(ref stats.WrongTotals);
                    }
                }

                Interlocked.Increment(ref stats.Verified);
                return;
            }

            var m = (Message)message;
            if (m.Sequence <= _last[m.SenderId])
            {
                Interlocked.Increment(ref stats.OutOfOrder);
            }

            _last[m.SenderId] = m.Sequence;
            _count[m.SenderId]++;
            Interlocked.Increment(ref stats.Received);
        }

        private static int[] CreateLast()
        {
            var last = new int[Senders];
            Array.Fill(last, -1);
            return last;
        }
    }
}
