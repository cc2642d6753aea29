using Akka.Actor;
using Akka.TestKit;
using Fleet.Gateway.Twins;
using Fleet.Shared.Protocol;
using Fleet.Tests.Infrastructure;

namespace Fleet.Tests.Gateway.Twins;

/// <summary>The model supervisor's ladder (restart model → roll back → quarantine and escalate), with its twin as a probe.</summary>
public sealed class ModelSupervisorTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly ModelSupervisionPolicy Policy = new() { Window = TimeSpan.FromMinutes(30) };
    private readonly VirtualClock _clock;
    private readonly TestProbe _twin;
    private readonly IActorRef _supervisor;

    public ModelSupervisorTests()
        : base(VirtualClock.Hocon)
    {
        _clock = new VirtualClock(Sys, DateTimeOffset.UnixEpoch);
        _twin = CreateTestProbe();
        _supervisor = _twin.ChildActorOf(ModelSupervisor.Props(Policy, _clock.Time), "model");
    }

    [Fact]
    public void Failures_ClimbTheLadder_ThenQuarantineAndEscalateOnce()
    {
        Fail();
        var first = _twin.ExpectMsg<ModelSupervisorDecision>();
        Assert.Equal(CommandNames.RestartModel, first.Command);
        Assert.False(first.Quarantine);
        Assert.Equal(new[] { CommandNames.RestartModel }, first.State.ActionsTaken);

        Fail();
        var second = _twin.ExpectMsg<ModelSupervisorDecision>();
        Assert.Equal(CommandNames.Rollback, second.Command);
        Assert.Equal(2, second.State.FailuresInWindow);

        Fail();
        var third = _twin.ExpectMsg<ModelSupervisorDecision>();
        Assert.Null(third.Command);
        Assert.True(third.Quarantine);
        Assert.True(third.State.Escalated);
        Assert.StartsWith("restart budget spent", third.Reason, StringComparison.Ordinal);
        Assert.Equal(new[] { CommandNames.RestartModel, CommandNames.Rollback, "quarantine" }, third.State.ActionsTaken);

        // Escalated: more failures order nothing. The first decision after a release is rung 1 again, so none came between.
        Fail();
        _supervisor.Tell(ResetModelBudget.Instance, _twin);
        Fail();
        var afterRelease = _twin.ExpectMsg<ModelSupervisorDecision>();
        Assert.Equal(CommandNames.RestartModel, afterRelease.Command);
        Assert.Equal(1, afterRelease.State.FailuresInWindow);
        Assert.False(afterRelease.State.Escalated);
    }

    [Fact]
    public void FailuresOlderThanTheWindow_NoLongerCount()
    {
        Fail();
        Assert.Equal(CommandNames.RestartModel, _twin.ExpectMsg<ModelSupervisorDecision>().Command);

        _clock.Advance(Policy.Window + TimeSpan.FromSeconds(1));
        Fail();

        var decision = _twin.ExpectMsg<ModelSupervisorDecision>();
        Assert.Equal(CommandNames.RestartModel, decision.Command);
        Assert.Equal(1, decision.State.FailuresInWindow);
    }

    [Fact]
    public void FailuresInsideTheWindow_KeepClimbing_AcrossTime()
    {
        Fail();
        _twin.ExpectMsg<ModelSupervisorDecision>();
        _clock.Advance(Policy.Window - TimeSpan.FromMinutes(1));
        Fail();

        Assert.Equal(CommandNames.Rollback, _twin.ExpectMsg<ModelSupervisorDecision>().Command);
    }

    [Fact]
    public void ALadderOfOneRung_QuarantinesOnTheSecondFailure()
    {
        var twin = CreateTestProbe();
        var supervisor = twin.ChildActorOf(ModelSupervisor.Props(Policy with { Ladder = [CommandNames.Validate] }, _clock.Time));

        supervisor.Tell(new ModelFailure("update", "rolled back", "2.0.0"), twin);
        Assert.Equal(CommandNames.Validate, twin.ExpectMsg<ModelSupervisorDecision>().Command);
        supervisor.Tell(new ModelFailure("update", "rolled back", "2.0.0"), twin);

        Assert.True(twin.ExpectMsg<ModelSupervisorDecision>().Quarantine);
    }

    [Fact]
    public void TwinsSuperviseTheirModelSupervisor_WithAnOtpBudget_ThenStopIt()
    {
        var strategy = Assert.IsType<OneForOneStrategy>(ModelSupervisor.ParentStrategy);

        Assert.Equal(3, strategy.MaxNumberOfRetries);
        Assert.Equal((int)TimeSpan.FromMinutes(1).TotalMilliseconds, strategy.WithinTimeRangeMilliseconds);
        Assert.Equal(Directive.Restart, strategy.Decider.Decide(new InvalidOperationException()));
    }

    private void Fail() => _supervisor.Tell(new ModelFailure("heal", "bitFlip: unhealable", "1.0.0"), _twin);
}
