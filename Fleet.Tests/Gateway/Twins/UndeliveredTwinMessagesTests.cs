using Fleet.Gateway.Twins;
using Fleet.Shared.Actors;
using Fleet.Shared.Protocol;

namespace Fleet.Tests.Gateway.Twins;

public sealed class UndeliveredTwinMessagesTests
{
    [Fact]
    public async Task AskOfAStoppedTwin_IsAnsweredWithAFailure_InsteadOfWaitingOutItsTimeout()
    {
        await using var system = ActorSystem.Create("undelivered");
        system.ActorOf(Props.Create(() => new UndeliveredTwinMessages()), "undelivered");
        var stopped = system.ActorOf(Props.Create(() => new UndeliveredTwinMessages()), "a-twin");
        var terminated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        system.ActorOf(Props.Create(() => new Watcher(stopped, terminated)), "watcher");
        system.Stop(stopped);
        await terminated.Task;

        // The twin is gone, so each request is a dead letter and its failure comes at once (the asks' own timeout
        // is far beyond the test's).
        var ask = TimeSpan.FromMinutes(10);
        await Assert.ThrowsAsync<TwinStoppedException>(() => stopped.Ask<Persisted>(new DeviceMessage("dev-1", 3, TopicKind.Report, ReadOnlyMemory<byte>.Empty, 1), ask));
        await Assert.ThrowsAsync<TwinStoppedException>(() => stopped.Ask<TwinSnapshot>(new GetTwin("dev-1"), ask));
        await Assert.ThrowsAsync<TwinStoppedException>(() => stopped.Ask<DesiredOutcome>(new SetDesired("dev-1", null, null, null, "test"), ask));
    }

    private sealed class Watcher(IActorRef target, TaskCompletionSource terminated) : ActorBase
    {
        protected override void PreStart() => Context.Watch(target);

        protected override void OnReceive(object message)
        {
            if (message is Terminated)
            {
                terminated.TrySetResult();
            }
        }
    }
}
