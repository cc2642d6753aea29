using System.Diagnostics;
using System.Threading.Channels;
using Akka.Actor;

namespace Fleet.Bench.Suites;

/// <summary>K pairs exchanging messages: Akka.NET actors vs pairs of Channel&lt;T&gt;-driven async loops.</summary>
internal static class ActorsPingPong
{
    /// <summary>Messages each pair keeps in flight in the headline run (a pipelined request stream, as a device twin sees).</summary>
    public const int Window = 32;

    private static readonly object Ball = new();

    public static async Task<TimeSpan> RunActorsAsync(int pairs, int roundTrips, CancellationToken cancellationToken, int window = Window)
    {
        var system = ActorSystem.Create("pingpong");
        try
        {
            return await RunAsync(system, pairs, roundTrips, window, cancellationToken);
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static async Task<TimeSpan> RunAsync(ActorSystem system, int pairs, int roundTrips, int window, CancellationToken cancellationToken)
    {
        var done = new CountdownEvent(pairs);
        var pingers = new IActorRef[pairs];
        for (var i = 0; i < pairs; i++)
        {
            var ponger = system.ActorOf(Props.Create(static () => new Ponger()));
            pingers[i] = system.ActorOf(Props.Create(() => new Pinger(ponger, roundTrips, window, done)));
        }

        var start = Stopwatch.GetTimestamp();
        foreach (var pinger in pingers)
        {
            pinger.Tell(Start.Instance, ActorRefs.NoSender);
        }

        await WaitAsync(done, cancellationToken);
        return Stopwatch.GetElapsedTime(start);
    }

    public static async Task<TimeSpan> RunChannelsAsync(int pairs, int roundTrips, CancellationToken cancellationToken, int window = Window)
    {
        var options = new UnboundedChannelOptions { SingleReader = true, SingleWriter = true };
        var loops = new List<Task>(pairs * 2);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < pairs; i++)
        {
            var toPong = Channel.CreateUnbounded<object>(options);
            var toPing = Channel.CreateUnbounded<object>(options);
            loops.Add(Task.Run(() => PongLoopAsync(toPong.Reader, toPing.Writer), cancellationToken));
            loops.Add(Task.Run(() => PingLoopAsync(toPing.Reader, toPong.Writer, roundTrips, window), cancellationToken));
        }

        await Task.WhenAll(loops).WaitAsync(cancellationToken);
        return Stopwatch.GetElapsedTime(start);
    }

    private static async Task PongLoopAsync(ChannelReader<object> inbox, ChannelWriter<object> outbox)
    {
        while (await inbox.WaitToReadAsync().ConfigureAwait(false))
        {
            while (inbox.TryRead(out var message))
            {
                if (message is Start)
                {
                    return;
                }

                outbox.TryWrite(message);
            }
        }
    }

    private static async Task PingLoopAsync(ChannelReader<object> inbox, ChannelWriter<object> outbox, int roundTrips, int window)
    {
        var sent = 0;
        var received = 0;
        for (; sent < Math.Min(window, roundTrips); sent++)
        {
            outbox.TryWrite(Ball);
        }

        while (await inbox.WaitToReadAsync().ConfigureAwait(false))
        {
            while (inbox.TryRead(out _))
            {
                if (++received == roundTrips)
                {
                    outbox.TryWrite(Start.Instance);
                    return;
                }

                if (sent < roundTrips)
                {
                    outbox.TryWrite(Ball);
                    sent++;
                }
            }
        }
    }

    private static Task WaitAsync(CountdownEvent done, CancellationToken cancellationToken) =>
        Task.Run(() => done.Wait(cancellationToken), cancellationToken);

    private sealed class Start
    {
        public static readonly Start Instance = new();
    }

    private sealed class Ponger : UntypedActor
    {
        protected override void OnReceive(object message) => Sender.Tell(message, Self);
    }

    private sealed class Pinger(IActorRef ponger, int roundTrips, int window, CountdownEvent done) : UntypedActor
    {
        private int _sent;
        private int _received;

        protected override void OnReceive(object message)
        {
            if (message is Start)
            {
                for (; _sent < Math.Min(window, roundTrips); _sent++)
                {
                    ponger.Tell(Ball, Self);
                }

                return;
            }

            if (++_received == roundTrips)
            {
                done.Signal();
                return;
            }

            if (_sent < roundTrips)
            {
                ponger.Tell(Ball, Self);
                _sent++;
            }
        }
    }
}
