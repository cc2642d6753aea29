using System.Runtime.Serialization;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using Fleet.Gateway;
using Fleet.Gateway.Cluster;
using Fleet.Gateway.Distillation;
using Fleet.Gateway.Events;
using Fleet.Gateway.Insights;
using Fleet.Gateway.Rollouts;
using Fleet.Gateway.Supervision;
using Fleet.Gateway.Twins;
using Fleet.Shared.Protocol;

namespace Fleet.Tests.Gateway.Cluster;

/// <summary>Every Fleet message that may cross nodes goes through Fleet's serializer, and arrives equal (serialize-messages on).</summary>
public sealed class FleetClusterSerializerTests() : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString(FleetAkkaConfig.Serialization + """

    akka.actor.serialize-messages = on
    akka.actor.serialize-creators = off
    """))
{
    public static TheoryData<string> Messages() => [.. Samples.Keys];

    private static readonly RolloutView View = new("ro-1", "m", "1.1.0", "1.0.0", "soaking", null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(5),
        new RolloutPolicyBody { CanaryDevices = 1, SoakSeconds = 0.2 }, 1, new DeviceCounts(3, 1, 1, 1, 0, 0),
        [new WaveView(1, 1, "soaking", 0, 1, 0, 0, DateTimeOffset.UnixEpoch.AddSeconds(9), new GateView("wait", ["soaking"]))]);

    private static readonly Dictionary<string, object> Samples = new(StringComparer.Ordinal)
    {
        ["device message with ack"] = new DeviceMessage("dev-ü-1", 17, TopicKind.Report, Encoding.UTF8.GetBytes("""{"v":1,"seq":4}"""), 42),
        ["device message without ack"] = new DeviceMessage("dev-2", 0, TopicKind.Telemetry, ReadOnlyMemory<byte>.Empty, null),
        ["persisted"] = new Persisted(long.MaxValue),
        ["get twin"] = new GetTwin("dev-1"),
        ["set desired"] = new SetDesired("dev-1", 3, new ModelManifest { Id = "m", Version = "1.0.0", Sha256 = new string('a', 64), Url = "http://x/a", Signature = "sig" }, new ThresholdSettings { KlMax = 0.3 }, "op"),
        ["send command"] = new SendCommand("dev-1", "restart-model", JsonDocument.Parse("""{"soft":true}""").RootElement),
        ["set quarantine"] = new SetQuarantine("dev-1", "bad", "op"),
        ["metric history"] = new GetMetricHistory("dev-1", 12),
        ["waveforms"] = new GetWaveforms("dev-1"),
        ["crash"] = new CrashTwin("dev-1"),
        ["snapshot"] = new TwinSnapshot("dev-1", 5, true, true, DateTimeOffset.UnixEpoch, false, null, 2, "{}", "{}",
            new TwinDelta(true, 0, 2, "1", "1", null), new TwinHealth("healthy", 0.1, 0.2, 0.5, 900, 800, 1, 7), null, null,
            new ModelSupervisorState(1, ["restart-model"], false)),
        ["desired outcome"] = new DesiredOutcome(DesiredStatus.Written, 4),
        ["command result"] = new CommandResult { Seq = 9, Id = "c-1", Ok = true },
        ["latest waveforms"] = new LatestWaveforms(new OutputWaveforms("h-1", DateTimeOffset.UnixEpoch, "bitFlip", "healed", 16000, [1, 2], null)),
        ["no waveforms"] = new LatestWaveforms(null),
        ["metric points"] = new[] { new MetricPoint(1, 0.1f, float.NaN, 0, 1, 2, float.NaN) },
        ["heal observed"] = new HealObserved("dev-1", "bitFlip", "m", "1.0.0", "healed"),
        ["device escalated"] = new DeviceEscalated("dev-1", "budget"),
        ["start rollout"] = new StartRollout("m", "1.1.0", new RolloutPolicy { Soak = TimeSpan.FromSeconds(3), CanaryShare = 0.1 }, ["dev-1", "dev-2"], "op"),
        ["start rollout of the fleet"] = new StartRollout("m", "1.1.0", new RolloutPolicy(), null, "op"),
        ["change rollout"] = new ChangeRollout("ro-1", RolloutAction.Abort, "bad", "op"),
        ["get rollout views"] = GetRolloutViews.Instance,
        ["rollout views"] = new RolloutViewSet(new Dictionary<string, RolloutView> { ["ro-1"] = View }),
        ["rollout started"] = new RolloutStartResult(RolloutRequestStatus.Done, null, View),
        ["rollout not started"] = new RolloutStartResult(RolloutRequestStatus.Conflict, "another rollout", null),
        ["rollout changed"] = new RolloutChangeResult(RolloutRequestStatus.NotFound, null, null),
        ["start distillation"] = new StartDistillation("m", "1.0.0", "2.0.0", "1.0.1", "op"),
        ["get distillation"] = new GetDistillation("dist-1"),
        ["distillation job"] = new DistillationJob("dist-1", "m", "1.0.0", "2.0.0", "1.0.1", "succeeded", new DistillationProgress("done", 5, 5, 0.01), [3, 4],
            new Dictionary<string, double> { ["finalLoss"] = 0.01 }, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(2)),
        ["no distillation job"] = DistillationJob.None,
        ["get insight summary"] = new GetInsightSummary("m", "1.0.0"),
        ["insight summary"] = new InsightSummary("m", "1.0.0", 4, 2, 99,
            [new SignatureRank("sig", "bitFlip", 4, 2, 0.3, 0.5, new Dictionary<string, int> { ["healed"] = 4 })],
            new AggregatedRegion(2, 0, 400, [0.5, 1.5], [0.1, 0.2], -1, 1, [[0.5, 0.5], [1, 0]]) { NoisyDevices = 1 }, [98, 99], 0),
        ["twin changed"] = new TwinChanged("dev-1", 7, "degraded", true, "1.2.0", false, DateTimeOffset.UnixEpoch.AddSeconds(3)),
        ["twin changed, never seen"] = new TwinChanged("dev-2", 0, null, false, null, true, null),
        ["metrics recorded"] = new MetricsRecorded("dev-1", new MetricPoint(1, 0.1f, float.NaN, 0, 1, 2, float.NaN)),
        ["waveforms recorded"] = new WaveformsRecorded("dev-1", "h-9"),
        ["incident raised"] = new IncidentRaised(new FleetIncident("inc-1", DateTimeOffset.UnixEpoch, "weightCorruption", "m", "1.0.0", 4, 5, 0.8, "rollback", "0.9.0", 4)),
        ["rollout view changed"] = new RolloutChanged(View),
        ["event interest"] = new FleetEventInterest(-17, 3, true, ["dev-1", "dev-ü"], Answer: true),
    };

    /// <summary>
    /// Akka verifies only messages sent to actors' mailboxes with serialize-messages on, not the replies that reach an
    /// ask: so every type Fleet marks as a cluster message must have a manifest and a sample here.
    /// </summary>
    [Fact]
    public void EveryMarkedClusterMessage_HasAManifest_AndASample()
    {
        var marked = typeof(IFleetClusterMessage).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IFleetClusterMessage).IsAssignableFrom(t))
            .ToList();

        Assert.NotEmpty(marked);
        Assert.All(marked, t => Assert.Contains(t, FleetClusterSerializer.Manifested));
        Assert.All(FleetClusterSerializer.Manifested, t => Assert.Contains(Samples.Values, s => s.GetType() == t));
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void Message_UsesFleetsSerializer_AndRoundTrips(string name)
    {
        var message = Samples[name];
        var serializer = Sys.Serialization.FindSerializerFor(message);

        Assert.IsType<FleetClusterSerializer>(serializer);
        var bytes = serializer.ToBinary(message);
        var back = Sys.Serialization.Deserialize(bytes, serializer.Identifier, ((FleetClusterSerializer)serializer).Manifest(message));

        Assert.Equal(Canonical(message), Canonical(back));
    }

    [Fact]
    public void DeviceMessage_CrossesAnActorBoundary_WithSerializeMessagesOn()
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo()));
        var sent = (DeviceMessage)Samples["device message with ack"];

        echo.Tell(sent, TestActor);

        var received = ExpectMsg<DeviceMessage>();
        Assert.Equal(Canonical(sent), Canonical(received));
        Assert.NotSame(sent, received);
    }

    [Fact]
    public void DeviceMessage_IsCompact()
    {
        var message = (DeviceMessage)Samples["device message with ack"];
        var bytes = Sys.Serialization.FindSerializerFor(message).ToBinary(message);

        Assert.Equal(17 + Encoding.UTF8.GetByteCount(message.DeviceId) + message.Payload.Length, bytes.Length);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 65 })]
    [InlineData(new byte[] { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 65 })]
    [InlineData(new byte[] { 1, 0, 0, 0, 0, 250, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 65 })]
    [InlineData(new byte[] { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0xC3 })]
    public void MalformedDeviceMessage_IsASerializationException(byte[] bytes)
    {
        var serializer = new FleetClusterSerializer((ExtendedActorSystem)Sys);

        Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes, "D"));
    }

    [Fact]
    public void UnknownManifestOrBadJson_IsASerializationException()
    {
        var serializer = new FleetClusterSerializer((ExtendedActorSystem)Sys);

        Assert.Throws<SerializationException>(() => serializer.FromBinary([1], "nope"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary("{"u8.ToArray(), "GT"));
    }

    private static string Canonical(object message) => message switch
    {
        DeviceMessage d => $"{d.DeviceId}|{d.Shard}|{d.Kind}|{d.AckId}|{Convert.ToHexString(d.Payload.Span)}",
        _ => JsonSerializer.Serialize(message, message.GetType(), FleetClusterJson.Default),
    };

    private sealed class Echo : UntypedActor
    {
        protected override void OnReceive(object message) => Sender.Tell(message);
    }
}
