using Fleet.Gateway.Twins;
using Fleet.Shared.Actors;
using Fleet.Shared.Protocol;

namespace Fleet.Tests.Gateway.Twins;

public sealed class UndeliveredTwinMessagesTests
{
    [Fact]
    public async Task MessageToAStoppedTwin_FailsItsReply_InsteadOfLeavingIngressWaiting()
    {
        await using var system = ActorSystem.Create("undelivered");
        system.ActorOf(Props.Create(() => new UndeliveredTwinMessages()), "undelivered");
        var stopped = system.ActorOf(Props.Create(() => new UndeliveredTwinMessages()), "a-twin");
        system.Stop(stopped);
        var persisted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var snapshot = new TaskCompletionSource<TwinSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);

        // Sent until the stop has taken effect: then they are dead letters.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!persisted.Task.IsCompleted && DateTime.UtcNow < deadline)
        {
            stopped.Tell(new DeviceMessage("dev-1", 3, TopicKind.Report, ReadOnlyMemory<byte>.Empty, persisted));
            await Task.WhenAny(persisted.Task, Task.Delay(50));
        }

        stopped.Tell(new GetTwin("dev-1", snapshot));
        await Assert.ThrowsAsync<TwinStoppedException>(() => persisted.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        await Assert.ThrowsAsync<TwinStoppedException>(() => snapshot.Task.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
