using System.Diagnostics;
using Akka.Actor;

namespace Fleet.Bench.Suites;

/// <summary>Latency of sequential Ask round trips to one actor.</summary>
internal static class ActorsAsk
{
    public static async Task<(double P50Microseconds, double P99Microseconds)> MeasureAsync(int count, CancellationToken cancellationToken)
    {
        var system = ActorSystem.Create("ask");
        try
        {
            return await MeasureAsync(system, count, cancellationToken);
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static async Task<(double P50Microseconds, double P99Microseconds)> MeasureAsync(ActorSystem system, int count, CancellationToken cancellationToken)
    {
        var responder = system.ActorOf(Props.Create(static () => new Responder()));
        var question = new object();
        for (var i = 0; i < Math.Min(count, 2_000); i++)
        {
            await responder.Ask<object>(question, TimeSpan.FromSeconds(30), cancellationToken);
        }

        var samples = new double[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await responder.Ask<object>(question, TimeSpan.FromSeconds(30), cancellationToken);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(samples);
        return (samples[count / 2], samples[Math.Min(count - 1, (int)(count * 0.99))]);
    }

    private sealed class Responder : UntypedActor
    {
        protected override void OnReceive(object message) => Sender.Tell(message, Self);
    }
}
