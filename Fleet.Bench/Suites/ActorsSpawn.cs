using System.Diagnostics;
using System.Threading.Channels;
using Akka.Actor;

namespace Fleet.Bench.Suites;

/// <summary>Spawning many idle actors vs many idle channel+task loops: time to all started, and bytes each.</summary>
internal static class ActorsSpawn
{
    public sealed record Outcome(TimeSpan Elapsed, double BytesPerItem, TimeSpan StopElapsed);

    public static async Task<Outcome> SpawnActorsAsync(int count, bool receiveActors, CancellationToken cancellationToken)
    {
        var system = ActorSystem.Create("spawn");
        var started = new CountdownEvent(count);
        var props = receiveActors
            ? Props.Create(() => new IdleReceiveActor(started))
            : Props.Create(() => new IdleActor(started));
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            system.ActorOf(props);
        }

        await Task.Run(() => started.Wait(cancellationToken), cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(start);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(props);

        var stopStart = Stopwatch.GetTimestamp();
        await system.Terminate().WaitAsync(cancellationToken);
        return new Outcome(elapsed, (after - before) / (double)count, Stopwatch.GetElapsedTime(stopStart));
    }

    public static async Task<Outcome> SpawnChannelLoopsAsync(int count, CancellationToken cancellationToken)
    {
        var started = new CountdownEvent(count);
        var inboxes = new Channel<object>[count];
        var loops = new Task[count];
        var options = new UnboundedChannelOptions { SingleReader = true };
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var inbox = Channel.CreateUnbounded<object>(options);
            inboxes[i] = inbox;
            loops[i] = Task.Run(() => LoopAsync(inbox.Reader, started), cancellationToken);
        }

        await Task.Run(() => started.Wait(cancellationToken), cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(start);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var arrays = (count * 2L * IntPtr.Size) + 64;

        var stopStart = Stopwatch.GetTimestamp();
        foreach (var inbox in inboxes)
        {
            inbox.Writer.TryComplete();
        }

        await Task.WhenAll(loops).WaitAsync(cancellationToken);
        return new Outcome(elapsed, (after - before - arrays) / (double)count, Stopwatch.GetElapsedTime(stopStart));
    }

    private static async Task LoopAsync(ChannelReader<object> inbox, CountdownEvent started)
    {
        started.Signal();
        while (await inbox.WaitToReadAsync().ConfigureAwait(false))
        {
            while (inbox.TryRead(out _))
            {
            }
        }
    }

    private sealed class IdleActor : UntypedActor
    {
        private readonly CountdownEvent _started;

        public IdleActor(CountdownEvent started) => _started = started;

        protected override void PreStart() => _started.Signal();

        protected override void OnReceive(object message)
        {
        }
    }

    private sealed class IdleReceiveActor : ReceiveActor
    {
        private readonly CountdownEvent _started;
        private int _count;

        public IdleReceiveActor(CountdownEvent started)
        {
            _started = started;
            Receive<string>(_ => _count++);
        }

        protected override void PreStart() => _started.Signal();
    }
}
