using Akka.Actor;
using Fleet.Gateway.Cluster;

namespace Fleet.Tests.Gateway.Cluster;

/// <summary>Top-level actors follow OTP: one restart in the window, then they stop (Akka alone would restart forever).</summary>
public sealed class FleetGuardianStrategyTests() : Akka.TestKit.Xunit2.TestKit(FleetGuardianStrategy.Hocon)
{
    [Fact]
    public void TopLevelActor_FailingPastItsBudget_IsStopped_NotRestartedForever()
    {
        var crashy = Sys.ActorOf(Props.Create(() => new Crashy(TestActor)), "crashy");
        Watch(crashy);

        crashy.Tell(Crashy.Crash);
        ExpectMsg("restarted");
        crashy.Tell(Crashy.Crash);

        ExpectTerminated(crashy);
    }

    [Fact]
    public void Strategy_IsOneForOne_WithTheOtpBudget()
    {
        var strategy = Assert.IsType<OneForOneStrategy>(new FleetGuardianStrategy().Create());

        Assert.Equal(FleetGuardianStrategy.MaxRestarts, strategy.MaxNumberOfRetries);
        Assert.Equal((int)FleetGuardianStrategy.Window.TotalMilliseconds, strategy.WithinTimeRangeMilliseconds);
        Assert.Equal(Directive.Restart, strategy.Decider.Decide(new InvalidOperationException()));
        Assert.Equal(Directive.Stop, strategy.Decider.Decide(new ActorInitializationException("init")));
    }

    private sealed class Crashy(IActorRef probe) : UntypedActor
    {
        public const string Crash = "crash";

        protected override void PostRestart(Exception reason)
        {
            base.PostRestart(reason);
            probe.Tell("restarted");
        }

        protected override void OnReceive(object message) => throw new InvalidOperationException("injected");
    }
}
