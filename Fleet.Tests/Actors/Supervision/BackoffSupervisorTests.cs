using Fleet.Shared.Actors;
using Fleet.Shared.Actors.Supervision;
using Fleet.Tests.Actors.Support;

namespace Fleet.Tests.Actors.Supervision;

public sealed class BackoffSupervisorTests : ActorTestBase
{
    private static readonly TimeSpan Min = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    [Fact]
    public async Task FailedChild_IsRestartedAfterDoublingDelays_CappedAtMax()
    {
        var probe = CreateProbe();
        var supervisor = Start(probe, randomFactor: 0, resetAfter: TimeSpan.FromHours(1));
        await probe.ExpectMsgAsync("c:started");

        foreach (var seconds in new[] { 1, 2, 4, 8, 8 })
        {
            await FailAndWaitForRestartPendingAsync(supervisor, probe);
            await AdvanceSupervisorAsync(TimeSpan.FromSeconds(seconds) - Tick, supervisor);
            Assert.Null(await CurrentChildAsync(supervisor));
            await AdvanceSupervisorAsync(Tick, supervisor);
            Assert.NotNull(await CurrentChildAsync(supervisor));
            await probe.ExpectMsgAsync("c:started");
        }

        Assert.Equal(5, (await supervisor.Ask<RestartCount>(GetRestartCount.Instance, TestProbe.Patience)).Count);
    }

    [Fact]
    public async Task Backoff_ResetsAfterTheChildRanForTheStablePeriod()
    {
        var probe = CreateProbe();
        var supervisor = Start(probe, randomFactor: 0, resetAfter: TimeSpan.FromSeconds(30));
        await probe.ExpectMsgAsync("c:started");
        await FailAndWaitForRestartPendingAsync(supervisor, probe);
        await AdvanceSupervisorAsync(Min, supervisor);
        await probe.ExpectMsgAsync("c:started");
        await FailAndWaitForRestartPendingAsync(supervisor, probe);
        await AdvanceSupervisorAsync(2 * Min, supervisor);
        await probe.ExpectMsgAsync("c:started");
        Assert.Equal(2, (await supervisor.Ask<RestartCount>(GetRestartCount.Instance, TestProbe.Patience)).Count);

        await AdvanceSupervisorAsync(TimeSpan.FromSeconds(30), supervisor);

        Assert.Equal(0, (await supervisor.Ask<RestartCount>(GetRestartCount.Instance, TestProbe.Patience)).Count);
        await FailAndWaitForRestartPendingAsync(supervisor, probe);
        await AdvanceSupervisorAsync(Min, supervisor);
        Assert.NotNull(await CurrentChildAsync(supervisor));
    }

    [Fact]
    public async Task Jitter_AddsAtMostTheRandomFactor()
    {
        var probe = CreateProbe();
        var supervisor = Start(probe, randomFactor: 0.5, resetAfter: TimeSpan.FromHours(1));
        await probe.ExpectMsgAsync("c:started");

        await FailAndWaitForRestartPendingAsync(supervisor, probe);
        await AdvanceSupervisorAsync(Min - Tick, supervisor);
        Assert.Null(await CurrentChildAsync(supervisor));
        await AdvanceSupervisorAsync((Min * 0.5) + Tick, supervisor);

        Assert.NotNull(await CurrentChildAsync(supervisor));
    }

    [Fact]
    public async Task Messages_AreForwardedToTheChild_KeepingTheSender()
    {
        var probe = CreateProbe();
        var supervisor = Start(probe, randomFactor: 0, resetAfter: null);
        await probe.ExpectMsgAsync("c:started");

        supervisor.Tell("inc", null);
        supervisor.Tell("inc", null);

        Assert.Equal(2, await supervisor.Ask<int>(CounterActor.Get.Instance, TestProbe.Patience));
    }

    private IActorRef Start(TestProbe probe, double randomFactor, TimeSpan? resetAfter) => System.ActorOf(
        BackoffSupervisor.Props(new BackoffOptions
        {
            ChildProps = Props.Create(() => new CounterActor(probe.Ref, "c")),
            ChildName = "c",
            MinBackoff = Min,
            MaxBackoff = Max,
            RandomFactor = randomFactor,
            ResetBackoffAfter = resetAfter,
            Random = new Random(42),
        }),
        "backoff");

    private static async Task FailAndWaitForRestartPendingAsync(IActorRef supervisor, TestProbe probe)
    {
        supervisor.Tell("boom", null);
        await probe.ExpectMsgAsync("c:received:boom");
        await probe.ExpectMsgAsync("c:stopped");
        await Wait.UntilAsync(async () => await CurrentChildAsync(supervisor) is null, "the supervisor saw the child stop");
    }

    /// <summary>Advances the clock, then round-trips a query the supervisor itself answers (Ping would be forwarded).</summary>
    private async Task AdvanceSupervisorAsync(TimeSpan delta, IActorRef supervisor)
    {
        Clock.Advance(delta);
        await CurrentChildAsync(supervisor);
    }

    private static async Task<IActorRef?> CurrentChildAsync(IActorRef supervisor) =>
        (await supervisor.Ask<CurrentChild>(GetCurrentChild.Instance, TestProbe.Patience)).Ref;
}
