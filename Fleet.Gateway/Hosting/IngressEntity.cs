using Akka.Actor;
using Fleet.Gateway.Cluster;
using Fleet.Gateway.Ingress;
using Fleet.Gateway.Rejections;
using Fleet.Gateway.Twins;
using Fleet.Shared.Messaging;

namespace Fleet.Gateway.Hosting;

/// <summary>
/// One fleet shard's ingress: an entity of the <c>ingress</c> sharded daemon process, so the cluster runs exactly one
/// per shard, on one node, and starts it on a survivor when its node leaves or is downed. It holds the shard's
/// persistent MQTT session (<see cref="ShardSession"/>, client id <c>fleet-gw-shard-{k}</c>); a new holder connecting
/// with that id resumes the session and receives, in order, everything the broker queued or had in flight.
/// </summary>
/// <remarks>
/// The session is opened only while the node <see cref="ClusterFence.MayOwn"/>; an open that fails (broker down,
/// refused) is retried with the durability backoff. On hand-off (<see cref="Stop"/>) the session closes cleanly —
/// in-flight messages stay unacknowledged and the broker keeps the session for the next holder — and only then does
/// the entity stop, so the next holder never overlaps this one.
/// </remarks>
internal sealed class IngressEntity : ReceiveActor, IWithTimers
{
    private readonly int _shard;
    private readonly IngressServices _services;
    private readonly ShardSession _session;
    private readonly CancellationTokenSource _stopping = new();
    private bool _opening;
    private bool _disposed;
    private int _failures;

    public IngressEntity(int shard, IngressServices services)
    {
        _shard = shard;
        _services = services;
        _session = services.CreateSession(shard);
        Running();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(int shard, IngressServices services) => Akka.Actor.Props.Create(() => new IngressEntity(shard, services));

    protected override void PreStart()
    {
        _services.Local.Add(_session);
        GatewayLog.IngressHosted(_services.Logger, _shard, Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString());
        Self.Tell(Open.Instance);
    }

    protected override void PostStop()
    {
        _services.Local.Remove(_session);
        if (!_disposed)
        {
            // The actor system is going down without a hand-off: close the session anyway (it is kept by the broker).
            _disposed = true;
            _stopping.Cancel();
            _ = _session.DisposeAsync().AsTask();
        }
    }

    private void Running()
    {
        Receive<Open>(_ => TryOpen());
        Receive<Opened>(_ =>
        {
            _opening = false;
            _failures = 0;
        });
        Receive<OpenFailed>(failed =>
        {
            _opening = false;
            var delay = _services.Durability.RedeliveryDelayAfter(++_failures);
            GatewayLog.IngressOpenFailed(_services.Logger, _shard, delay, failed.Error);
            Timers.StartSingleTimer(nameof(Open), Open.Instance, delay);
        });
        Receive<Stop>(_ => HandOff());
    }

    private void TryOpen()
    {
        if (_opening)
        {
            return;
        }

        if (!_services.Fence.MayOwn())
        {
            Timers.StartSingleTimer(nameof(Open), Open.Instance, _services.Durability.RedeliveryDelay);
            return;
        }

        _opening = true;
        _session.StartAsync(_stopping.Token).PipeTo(Self, success: () => Opened.Instance, failure: ex => new OpenFailed(ex));
    }

    private void HandOff()
    {
        Timers.CancelAll();
        Become(() =>
        {
            Receive<Opened>(_ => Close());
            Receive<OpenFailed>(_ => Close());
            Receive<Closed>(_ =>
            {
                GatewayLog.IngressHandedOff(_services.Logger, _shard);
                Context.Stop(Self);
            });
            ReceiveAny(_ => { });
        });
        _stopping.Cancel();
        if (!_opening)
        {
            Close();
        }
    }

    private void Close()
    {
        _disposed = true;
        _session.DisposeAsync().AsTask().PipeTo(Self, success: () => Closed.Instance, failure: _ => Closed.Instance);
    }

    /// <summary>The hand-off stop message: close the session cleanly, then stop.</summary>
    public sealed class Stop : INoSerializationVerificationNeeded
    {
        public static readonly Stop Instance = new();

        private Stop()
        {
        }
    }

    private sealed class Open : INoSerializationVerificationNeeded
    {
        public static readonly Open Instance = new();
    }

    private sealed class Opened : INoSerializationVerificationNeeded
    {
        public static readonly Opened Instance = new();
    }

    private sealed record OpenFailed(Exception Error) : INoSerializationVerificationNeeded;

    private sealed class Closed : INoSerializationVerificationNeeded
    {
        public static readonly Closed Instance = new();
    }
}

/// <summary>What every <see cref="IngressEntity"/> of a node shares.</summary>
internal sealed class IngressServices(
    GatewayOptions options,
    MqttConnectionSettings broker,
    ITwinDelivery delivery,
    RejectionRecorder rejections,
    TwinCounters counters,
    ClusterFence fence,
    TimeProvider time,
    ILoggerFactory loggers)
{
    public LocalIngress Local { get; } = new();

    public ClusterFence Fence => fence;

    public DurabilityPolicy Durability => options.Durability;

    public ILogger Logger { get; } = loggers.CreateLogger<IngressEntity>();

    public ShardSession CreateSession(int shard) =>
        new(shard, options.ShardCount, broker, delivery, rejections, counters, options.Durability, time, loggers.CreateLogger<ShardSession>(), fence.MayOwn);
}
