using Akka.Actor;
using Fleet.Gateway.Store;
using Fleet.Shared.Protocol;
using StoredDesired = Fleet.Gateway.Store.Twins.DesiredState;
using StoredReported = Fleet.Gateway.Store.Twins.ReportedState;
using Fleet.Shared.Diagnostics;

namespace Fleet.Gateway.Twins;

/// <summary>
/// One device's twin: reported and desired state, presence, rolling health, the delta and its
/// reconciliation. An entity of the Akka.Cluster.Sharding <c>device</c> region; rehydrates from the store on every
/// start (first message, restart after a crash, next message after passivation).
/// </summary>
/// <remarks>
/// Store writes leave the actor as an ordered chain of tasks (<see cref="Persist"/>): the actor's state
/// changes at once, the store follows in order, and a QoS 1 message is acknowledged only after its write.
/// A failed write fails the twin (its shard restarts it from the store, within <see cref="TwinRestartBudget"/>).
/// An <see cref="UntypedActor"/> with a switch, not a <see cref="ReceiveActor"/>, so an idle twin holds no handler
/// tables. Idleness is measured on the gateway's <see cref="TimeProvider"/> (domain time), not on Akka's clock.
/// </remarks>
internal sealed partial class DeviceTwin : UntypedActor, IWithUnboundedStash, IWithTimers
{
    private static readonly TimeSpan TouchInterval = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RepublishInterval = TimeSpan.FromSeconds(30);

    private readonly string _deviceId;
    private readonly int _shard;
    private readonly TwinServices _services;
    private Task<bool> _tail = Task.FromResult(true);
    private bool _loaded;
    private bool _registered;
    private bool _online;
    private DateTimeOffset? _lastSeen;
    private DateTimeOffset _lastTouched;
    private bool _quarantined;
    private string? _quarantineReason;
    private StoredDesired? _desired;
    private DesiredState? _desiredMessage;
    private StoredReported? _reported;
    private ReportMessage? _report;
    private SeqMark _reportMark;
    private SeqMark _eventMark;
    private SeqMark _telemetryMark;
    private SeqMark _statusMark;
    private TwinMetrics? _metrics;
    private long _republishedFor = -1;
    private DateTimeOffset _republishedAt;
    private Dictionary<string, IActorRef?>? _pendingCommands;
    private IActorRef? _modelSupervisor;
    private ModelSupervisorState? _supervision;
    private string? _lastUpdateJson;
    private string? _lastValidationJson;
    private DateTimeOffset _lastActive;
    private ITimer? _idleTimer;

    public DeviceTwin(string deviceId, TwinServices services)
    {
        _deviceId = deviceId;
        _services = services;
        _shard = Sharding.ShardOf(deviceId, services.Options.ShardCount);
    }

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The twin's props: built by a producer, so no expression tree is compiled per entity.</summary>
    public static Props Props(string deviceId, TwinServices services) => Akka.Actor.Props.CreateBy(new Producer(deviceId, services));

    private IFleetStore Store => _services.Store;

    protected override void PreStart()
    {
        _services.Counters.TwinStarted();
        _lastActive = _services.Time.GetUtcNow();
        StartIdleCheck();
        LoadAsync(_services, _deviceId).PipeTo(Self);
    }

    protected override void PostStop()
    {
        _services.Counters.TwinStopped();
        _idleTimer?.Dispose();
        _idleTimer = null;
        if (_pendingCommands is not null)
        {
            foreach (var asker in _pendingCommands.Values)
            {
                asker?.Tell(new Status.Failure(new OperationCanceledException("the twin stopped before the device answered")), Self);
            }
        }
    }

    /// <summary>
    /// A shard restarts its entities without limit, so the twin keeps its own OTP-style budget: over it, the twin
    /// passivates (drains, then stops) and its next message rebuilds it from the store.
    /// </summary>
    protected override void PostRestart(Exception reason)
    {
        _services.Counters.TwinRestarts.Increment();
        GatewayLog.TwinRestarted(_services.Logger, _deviceId, reason.Message);
        base.PostRestart(reason);
        if (!_services.RestartBudget.TryRestart(_deviceId))
        {
            GatewayLog.TwinOverRestartBudget(_services.Logger, _deviceId, _services.RestartBudget.MaxRestarts, _services.RestartBudget.Window);
            Context.Parent.Tell(new Akka.Cluster.Sharding.Passivate(TwinInternal.Passivate.Instance));
        }
    }

    protected override SupervisorStrategy SupervisorStrategy() => ModelSupervisor.ParentStrategy;

    protected override void OnReceive(object message)
    {
        if (message is TwinInternal.IdleCheck)
        {
            OnIdleCheck();
            return;
        }

        _lastActive = _services.Time.GetUtcNow();
        if (!_loaded)
        {
            switch (message)
            {
                case TwinInternal.Loaded loaded:
                    OnLoaded(loaded);
                    Stash.UnstashAll();
                    return;
                case Status.Failure failure:
                    throw new TwinPersistenceException($"loading twin {_deviceId} failed", failure.Cause);
                default:
                    Stash.Stash();
                    return;
            }
        }

        switch (message)
        {
            case DeviceMessage device:
                try
                {
                    OnDeviceMessage(device);
                }
                catch (Exception ex) when (device.AckId is not null && !ex.IsFatal())
                {
                    // Ingress learns at once (instead of after its acknowledge timeout) that this message failed the twin.
                    Sender.Tell(new Status.Failure(ex), Self);
                    throw;
                }

                break;
            case GetTwin:
                Sender.Tell(Snapshot(), Self);
                break;
            case GetMetricHistory history:
                OnGetMetricHistory(history);
                break;
            case GetWaveforms waveforms:
                OnGetWaveforms(waveforms);
                break;
            case SetDesired set:
                OnSetDesired(set, Sender);
                break;
            case SendCommand command:
                OnSendCommand(command, Sender);
                break;
            case SetQuarantine quarantine:
                OnSetQuarantine(quarantine, Sender);
                break;
            case ModelSupervisorDecision decision:
                OnSupervisorDecision(decision);
                break;
            case TwinInternal.DesiredStored stored:
                _desired = stored.Desired;
                _desiredMessage = DecodeDesired(stored.Desired);
                break;
            case TwinInternal.HealStored heal:
                OnHealStored(heal.Event);
                break;
            case TwinInternal.CommandExpired expired:
                _pendingCommands?.Remove(expired.CommandId);
                break;
            case TwinInternal.Passivate:
                OnPassivate();
                return;
            case TwinInternal.Drained:
                Context.Stop(Self);
                return;
            case TwinInternal.PersistFailed failed:
                throw new TwinPersistenceException($"twin {_deviceId}: a store write or publication failed", failed.Cause);
            case CrashTwin:
                throw new InjectedTwinFaultException($"fault injected into twin {_deviceId}");
            default:
                Unhandled(message);
                break;
        }

        PublishChange();
    }

    private static async Task<TwinInternal.Loaded> LoadAsync(TwinServices services, string deviceId)
    {
        var store = services.Store;
        var policy = services.Options.Durability;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var device = await store.Devices.GetAsync(deviceId, CancellationToken.None).ConfigureAwait(false);
                var twin = device is null ? null : await store.Twins.GetAsync(deviceId, CancellationToken.None).ConfigureAwait(false);
                var waveforms = device is null ? null : await store.HealEvents.GetWaveformsAsync(deviceId, CancellationToken.None).ConfigureAwait(false);
                return new TwinInternal.Loaded(device, twin, waveforms);
            }
            catch (Exception ex) when (!ex.IsFatal() && ex is not ArgumentException && attempt < policy.WriteAttempts)
            {
                services.Counters.StoreRetries.Increment();
                await Task.Delay(policy.RetryDelayAfter(attempt), services.Time).ConfigureAwait(false);
            }
        }
    }

    private void OnLoaded(TwinInternal.Loaded loaded)
    {
        _loaded = true;
        if (loaded.Device is { } device)
        {
            _registered = true;
            _online = device.Online;
            _lastSeen = device.LastSeen;
            _quarantined = device.Quarantined;
            _quarantineReason = device.QuarantineReason;
        }

        if (loaded.Waveforms is { } kept && _history?.Waveforms is null)
        {
            // The latest heal's excerpts outlive the gateway: read back from the store, unless a newer heal came in first.
            (_history ??= new TwinHistory()).Waveforms = new OutputWaveforms(kept.HealId, kept.Recorded, kept.Diagnosis, kept.Outcome, kept.SampleRate, kept.Clean, kept.Corrupted);
        }

        if (loaded.Twin is { } twin)
        {
            _desired = twin.Desired;
            _desiredMessage = twin.Desired is null ? null : DecodeDesired(twin.Desired);
            _reported = twin.Reported;
            // Unless a newer one arrived while the twin was loading.
            _lastUpdateJson ??= twin.LastUpdateJson;
            _lastValidationJson ??= twin.LastValidationJson;
            if (twin.Reported is { } reported)
            {
                _reportMark = new SeqMark(reported.Epoch, reported.Seq);
                var decoded = WireCodec.DecodeReport(System.Text.Encoding.UTF8.GetBytes(reported.Json));
                _report = decoded.IsSuccess ? decoded.Value : null;
            }
        }
    }

    /// <summary>
    /// Appends a store write (or publication) to the twin's ordered chain. After it, <paramref name="replyTo"/> gets
    /// <paramref name="answer"/> (when given), or a <see cref="Status.Failure"/> when the write failed.
    /// </summary>
    /// <remarks>
    /// A failed write is retried with backoff (<see cref="Ingress.DurabilityPolicy"/>); when it still fails, it and
    /// every later write of this incarnation fail without running (their askers get a failure, so ingress leaves those
    /// messages unacknowledged) and the twin fails, to be rehydrated from what the store holds.
    /// </remarks>
    private void Persist(Func<IFleetStore, Task> write, IActorRef? replyTo = null, object? answer = null)
    {
        _tail = RunAfterAsync(_tail, write, _services, replyTo, answer, Self);
    }

    /// <summary>Answers the sender of a QoS 1 device message that needs no write of its own.</summary>
    private void Acknowledge(DeviceMessage message)
    {
        if (message.AckId is { } ack)
        {
            Sender.Tell(new Persisted(ack), Self);
        }
    }

    /// <summary>Persists for a device message: its sender gets <see cref="Persisted"/> after the write when it asked for an ack.</summary>
    private void PersistAcked(DeviceMessage message, Func<IFleetStore, Task> write) =>
        Persist(write, message.AckId is null ? null : Sender, message.AckId is { } ack ? new Persisted(ack) : null);

    private static async Task<bool> RunAfterAsync(Task<bool> previous, Func<IFleetStore, Task> write, TwinServices services, IActorRef? replyTo, object? answer, IActorRef self)
    {
        if (!await previous.ConfigureAwait(false))
        {
            replyTo?.Tell(new Status.Failure(new TwinPersistenceException("an earlier store write of this twin failed; the twin restarts from the store")), self);
            return false;
        }

        var policy = services.Options.Durability;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await write(services.Store).ConfigureAwait(false);
                if (answer is not null)
                {
                    replyTo?.Tell(answer, self);
                }

                return true;
            }
            catch (Exception ex) when (!ex.IsFatal())
            {
                // Bad input is a bug no retry can mend; anything else may be a passing database fault.
                if (attempt >= policy.WriteAttempts || ex is ArgumentException)
                {
                    replyTo?.Tell(new Status.Failure(ex), self);
                    self.Tell(new TwinInternal.PersistFailed(ex));
                    return false;
                }

                services.Counters.StoreRetries.Increment();
                await Task.Delay(policy.RetryDelayAfter(attempt), services.Time).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The shard's stop message (idle passivation, restart budget spent, or a hand-off): stop once the writes already
    /// queued are stored, so the next incarnation (the next message or API read) rehydrates from a store that holds
    /// everything. The shard buffers the twin's messages meanwhile and hands them to that incarnation.
    /// </summary>
    private void OnPassivate()
    {
        _services.Counters.Passivated.Increment();
        DrainAsync(_tail).PipeTo(Self);

        static async Task<TwinInternal.Drained> DrainAsync(Task<bool> tail)
        {
            await tail.ConfigureAwait(false);
            return new TwinInternal.Drained();
        }
    }

    /// <summary>One <see cref="TimeProvider"/> timer per live twin, ticking at a quarter of the idle timeout.</summary>
    private void StartIdleCheck()
    {
        var idle = _services.Options.TwinIdleTimeout;
        if (idle <= TimeSpan.Zero)
        {
            return;
        }

        var self = Self;
        var period = idle / 4;
        _idleTimer = _services.Time.CreateTimer(static state => ((IActorRef)state!).Tell(TwinInternal.IdleCheck.Instance, ActorRefs.NoSender), self, period, period);
    }

    /// <summary>Idle for <see cref="GatewayOptions.TwinIdleTimeout"/>: ask the shard to passivate this twin (it then sends <see cref="TwinInternal.Passivate"/>).</summary>
    private void OnIdleCheck()
    {
        if (_idleTimer is null || _services.Time.GetUtcNow() - _lastActive < _services.Options.TwinIdleTimeout)
        {
            return;
        }

        _idleTimer.Dispose();
        _idleTimer = null;
        Context.Parent.Tell(new Akka.Cluster.Sharding.Passivate(TwinInternal.Passivate.Instance));
    }

    private static DesiredState? DecodeDesired(StoredDesired stored)
    {
        var decoded = WireCodec.DecodeDesired(System.Text.Encoding.UTF8.GetBytes(stored.Json));
        return decoded.IsSuccess ? decoded.Value : null;
    }

    /// <summary>Creates twins for the shard without an expression tree per entity.</summary>
    private sealed class Producer(string deviceId, TwinServices services) : IIndirectActorProducer
    {
        public Type ActorType => typeof(DeviceTwin);

        public ActorBase Produce() => new DeviceTwin(deviceId, services);

        public void Release(ActorBase actor)
        {
        }
    }
}
