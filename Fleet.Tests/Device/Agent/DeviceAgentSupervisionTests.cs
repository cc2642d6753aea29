using Akka.Actor;
using Akka.TestKit.Xunit2;
using Fleet.Device.Agent;
using Fleet.Device.Healing;
using Fleet.Device.Hardware;
using Fleet.Device.Monitoring;
using Fleet.Device.Simulation;
using Fleet.Device.Uplink;
using Fleet.Device.Uplink.Queue;
using Fleet.Shared.Messaging;
using Fleet.Shared.Onnx;
using Fleet.Shared.Protocol;
using Fleet.Tests.Device.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Tests.Device.Agent;

/// <summary>
/// The agent's supervision on Akka.TestKit, with the real model actor (real ORT, real weight store and disk
/// queue; the uplink is never started, so its events stay on disk where the test reads them).
/// </summary>
public sealed class DeviceAgentSupervisionTests : TestKit, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();
    private readonly HttpClient _http = new();
    private DeviceUplink _uplink = null!;

    public DeviceAgentSupervisionTests()
        : base(AgentActorSystem.Config)
    {
    }

    public Task InitializeAsync()
    {
        OnnxRuntime.Initialize();
        _uplink = new DeviceUplink("sup-1", new MqttConnectionSettings { Host = "127.0.0.1", Port = 1, ClientId = "sup-1" },
            DiskEventQueue.Open(Path.Combine(_dir.Path, "queue")), SequenceSource.Open(Path.Combine(_dir.Path, "seq"), TimeProvider.System),
            TimeProvider.System, NullLogger.Instance, "fleet-device/test");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Sys.Terminate();
        await _uplink.DisposeAsync();
        _http.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task ModelCrash_WithinTheBudget_RestartsTheModel_WhichPublishesACrashHealEvent()
    {
        var agent = Sys.ActorOf(DeviceAgentActor.Props(Runtime(new AgentSupervision(3, TimeSpan.FromMinutes(1)))), "dev");
        Watch(agent);

        agent.Tell(Crash());
        await AwaitConditionAsync(() => Task.FromResult(_uplink.Pending == 1), Patience);

        var heal = Assert.IsType<HealEvent>(QueuedEvents().Single());
        Assert.Equal((HealTrigger.Crash.WireName(), Fleet.Shared.Health.Diagnosis.Compute, HealOutcome.Healed), (heal.Trigger, heal.Diagnosis, heal.Outcome));
        Assert.Equal(HealRung.Restart, heal.Rungs.Single().Rung);
        Assert.Contains(nameof(SimulatedCrashException), heal.Rungs.Single().Detail);

        // Restarted, not replaced: the same child answers.
        Sys.ActorSelection(agent.Path / "model").Tell(new Identify("model"), TestActor);
        var identity = await ExpectMsgAsync<ActorIdentity>(Patience);
        Assert.NotNull(identity.Subject);
    }

    [Fact]
    public async Task ModelCrashes_PastTheBudget_StopTheModel_AndTheAgentStops()
    {
        var agent = Sys.ActorOf(DeviceAgentActor.Props(Runtime(new AgentSupervision(2, TimeSpan.FromMinutes(1)))), "dev");
        Watch(agent);

        for (var i = 0; i < 3; i++)
        {
            agent.Tell(Crash());
        }

        await ExpectTerminatedAsync(agent, Patience);
        // Two restarts, each said so; the third crash was over the budget and restarted nothing.
        await AwaitConditionAsync(() => Task.FromResult(_uplink.Pending == 2), Patience);
        Assert.All(QueuedEvents(), e => Assert.Equal(HealTrigger.Crash.WireName(), Assert.IsType<HealEvent>(e).Trigger));
    }

    [Fact]
    public async Task TopLevelActors_AreRestartedOnce_ThenStopped_ByTheOtpGuardianStrategy()
    {
        Assert.Equal(typeof(AgentGuardianStrategy).FullName + ", " + typeof(AgentGuardianStrategy).Assembly.GetName().Name, Sys.Settings.SupervisorStrategyClass);
        var fragile = Sys.ActorOf(Props.Create(() => new Fragile()), "fragile");
        Watch(fragile);

        fragile.Tell("boom");
        fragile.Tell("ping", TestActor);
        await ExpectMsgAsync("pong", Patience);
        fragile.Tell("boom");

        await ExpectTerminatedAsync(fragile, Patience);
    }

    [Fact]
    public void TheDefaultBudget_Is20RestartsAMinute()
    {
        Assert.Equal(new AgentSupervision(20, TimeSpan.FromMinutes(1)), AgentSupervision.Default);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AgentSupervision(-1, TimeSpan.FromMinutes(1)).Validate());
    }

    private static InjectFault Crash() => new(new Fault(FaultKind.Crash, null));

    private List<DeviceEvent> QueuedEvents() =>
        [.. _uplink.PeekPending(100).Select(p => WireCodec.DecodeEvent(p.Span)).Select(d => d.IsSuccess ? d.Value! : throw new InvalidDataException(d.Error!.ToString()))];

    private DeviceRuntime Runtime(AgentSupervision supervision)
    {
        var data = Path.Combine(_dir.Path, "device");
        var sensors = new SimulatedSensors(Path.Combine(data, "sensors"));
        return new DeviceRuntime("sup-1", data, WatchdogOptions.Default with { LatencyRatio = 1000 }, RemediationOptions.Default, TimeProvider.System, 5, _uplink,
            null, _http, new SysfsSensors(sensors.Root), sensors, FaultSchedule.None, FramesPerSecond: 200, SoakWindows: 5,
            TelemetryEveryWindows: 5, FactoryPackage: null, NullLogger.Instance)
        { Supervision = supervision.Validate() };
    }

    private sealed class Fragile : ReceiveActor
    {
        public Fragile()
        {
            Receive<string>(m => m == "boom", _ => throw new InvalidOperationException("boom"));
            Receive<string>(m => m == "ping", _ => Sender.Tell("pong"));
        }
    }
}
