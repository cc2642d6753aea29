using Akka.Actor;
using Fleet.Gateway.Twins;
using Fleet.Shared.Protocol;

namespace Fleet.Tests.Gateway.Twins;

public sealed class UndeliveredTwinMessagesTests : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>Long enough never to be what ends a passing test: a missing answer fails as an ask timeout instead.</summary>
    private static readonly TimeSpan Backstop = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AskOfAStoppedTwin_IsAnsweredWithAFailure_InsteadOfWaitingOutItsTimeout()
    {
        var twin = await StoppedTwinAsync();

        await Assert.ThrowsAsync<TwinStoppedException>(() => twin.Ask<Persisted>(new DeviceMessage("dev-1", 3, TopicKind.Report, ReadOnlyMemory<byte>.Empty, 1), Backstop));
        await Assert.ThrowsAsync<TwinStoppedException>(() => twin.Ask<TwinSnapshot>(new GetTwin("dev-1"), Backstop));
        await Assert.ThrowsAsync<TwinStoppedException>(() => twin.Ask<DesiredOutcome>(new SetDesired("dev-1", null, null, null, "test"), Backstop));
    }

    [Fact]
    public async Task UnacknowledgedDeviceMessage_ToAStoppedTwin_IsNotAnswered()
    {
        var twin = await StoppedTwinAsync();
        var ingress = CreateTestProbe();

        twin.Tell(new DeviceMessage("dev-qos0", 3, TopicKind.Telemetry, ReadOnlyMemory<byte>.Empty, null), ingress);
        twin.Tell(new DeviceMessage("dev-qos1", 3, TopicKind.Report, ReadOnlyMemory<byte>.Empty, 7), ingress);

        // Dead letters are answered in order, so the first answer being the QoS 1 one means the QoS 0 one got none.
        var failure = ingress.ExpectMsg<Status.Failure>(Backstop);
        Assert.Contains("dev-qos1", Assert.IsType<TwinStoppedException>(failure.Cause).Message, StringComparison.Ordinal);
    }

    /// <summary>A started dead-letter answerer (subscribed once it answered an Identify) and a twin that has stopped.</summary>
    private async Task<IActorRef> StoppedTwinAsync()
    {
        var undelivered = Sys.ActorOf(UndeliveredTwinMessages.Props(), "undelivered");
        await undelivered.Ask<ActorIdentity>(new Identify(null), Backstop);
        var twin = Sys.ActorOf(Props.Create(() => new Silent()), "a-twin");
        Watch(twin);
        Sys.Stop(twin);
        ExpectTerminated(twin, Backstop);
        return twin;
    }

    private sealed class Silent : UntypedActor
    {
        protected override void OnReceive(object message)
        {
        }
    }
}
