using Fleet.Device.Hardware;
using Fleet.Device.Healing;
using Fleet.Device.Inference;
using Fleet.Device.Monitoring;
using Fleet.Device.Simulation;
using Fleet.Device.Storage;
using Fleet.Device.Updates;
using Akka.Actor;
using Fleet.Shared.Health;
using Fleet.Shared.Protocol;
using Fleet.Device.Core;

namespace Fleet.Device.Agent;

/// <summary>
/// The device's model side: runs inference at the configured rate, closes windows, heals, applies desired state,
/// answers commands. Everything it needs on restart is on disk (weight store pointers, agent state), so its
/// supervisor can restart it after a crash and it carries on from the active model.
/// </summary>
internal sealed partial class ModelActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(100);
    private readonly DeviceRuntime _runtime;
    private readonly FaultInjector _faults;
    private readonly Queue<Fault> _heldFaults = new();
    private DeviceCore _core = null!;
    private ModelUpdater _updater = null!;
    private AgentStateFile _stateFile = null!;
    private AgentState _state = null!;
    private SoakWatch? _soak;
    private double _frameCredit;
    private long _lastTick;
    private long _fetching;
    private HealOutcome? _lastOutcome;
    private DeviceHealth _reportedHealth;
    private bool _returnWhenClear;
    private Fault? _passingFault;

    public ModelActor(DeviceRuntime runtime)
    {
        _runtime = runtime;
        _faults = new FaultInjector(new Random(runtime.Seed), runtime.SimulatedSensors);
        Receive<InferenceTick>(_ => OnTick());
        Receive<Inbound>(OnInbound);
        Receive<UpdateFetched>(OnFetched);
        Receive<InjectFault>(OnInjectFault);
        Receive<ClearFault>(OnClearFault);
        Receive<EventQueued>(_ => { });
        Receive<EventNotQueued>(m => throw new IOException($"the event queue refused a write: {m.Cause.Message}", m.Cause));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(DeviceRuntime runtime) => Akka.Actor.Props.Create(() => new ModelActor(runtime));

    private ModelCatalog Catalog => _core.Catalog!;

    protected override void PreStart()
    {
        _core = DeviceCoreFactory.Create(_runtime.DataDirectory, _runtime.Watchdog, _runtime.Remediation, _runtime.Time, _runtime.Seed,
            () => _runtime.Sensors.ReadTemperatureC(), _runtime.FactoryPackage);
        _updater = new ModelUpdater(Catalog, _runtime.FleetKey, _runtime.Http);
        _stateFile = new AgentStateFile(Path.Combine(_runtime.DataDirectory, "agent.json"));
        _state = _stateFile.Load();
        _core.Watchdog.KlOverride = _state.KlMax;
        _core.Watchdog.InputShiftOverride = _state.InputShiftMax;
        _lastTick = _runtime.Time.GetTimestamp();
        DeviceLog.ModelStarted(_runtime.Logger, _runtime.DeviceId, _core.Host.StoreKey, _core.Host.Source.ToString());
        Report();
        Timers.StartPeriodicTimer("tick", InferenceTick.Instance, TickInterval);
    }

    protected override void PostStop() => _core?.Dispose();

    /// <summary>After a crash the supervisor restarted us from the store: say so, with the restarted model's golden check.</summary>
    protected override void PostRestart(Exception reason)
    {
        base.PostRestart(reason);
        ArgumentNullException.ThrowIfNull(reason);
        var started = _runtime.Time.GetTimestamp();
        var validation = _core.Host.Validate();
        Publish(new HealEvent
        {
            Id = $"r-{_runtime.Time.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            Ts = _runtime.Time.GetUtcNow(),
            Diagnosis = Diagnosis.Compute,
            Trigger = HealTrigger.Crash.WireName(),
            Rungs =
            [
                new HealRungResult
                {
                    Rung = HealRung.Restart,
                    Validation = validation.Passed ? ValidationVerdict.Pass : ValidationVerdict.Fail,
                    DurationMs = Math.Round(_runtime.Time.GetElapsedTime(started).TotalMilliseconds, 3),
                    Detail = $"restarted after {reason.GetType().Name}: {reason.Message}; serving {_core.Host.StoreKey}; {validation.Message}",
                },
            ],
            Outcome = validation.Passed ? HealOutcome.Healed : HealOutcome.Unhealable,
            ModelVersion = _core.Host.Package.Card.ModelVersion,
        });
        _runtime.Metrics?.Heal(_runtime.DeviceId, Diagnosis.Compute, validation.Passed ? HealOutcome.Healed : HealOutcome.Unhealable);
        DeviceLog.Restarted(_runtime.Logger, _runtime.DeviceId, reason.Message, _core.Host.StoreKey);
    }

    private void OnTick()
    {
        var now = _runtime.Time.GetTimestamp();
        var elapsed = _runtime.Time.GetElapsedTime(_lastTick, now);
        _lastTick = now;
        // Catch up at most one second after a stall rather than bursting through a backlog.
        _frameCredit = Math.Min(_frameCredit + (elapsed.TotalSeconds * _runtime.FramesPerSecond), _runtime.FramesPerSecond);
        var frames = (int)_frameCredit;
        if (frames == 0)
        {
            return;
        }

        _frameCredit -= frames;
        while (frames > 0)
        {
            var before = _core.Inferences;
            var outcome = _core.RunFrames(frames);
            frames -= (int)(_core.Inferences - before);
            if (outcome is not null)
            {
                OnWindowClosed(outcome);
            }
        }

        _runtime.Progress?.Invoke();
    }

    private void OnWindowClosed(WindowOutcome outcome)
    {
        var verdict = outcome.Verdict;
        _runtime.Metrics?.Window(_runtime.DeviceId, _core.Inferences, verdict);
        if (outcome.Episode is { } episode)
        {
            OnEpisode(episode);
        }
        else if (_returnWhenClear && _core.Healer.Latched is null)
        {
            _returnWhenClear = false;
            var (host, _) = ModelBootstrap.StartActive(Catalog);
            if (host is not null)
            {
                _core.Replace(host);
                DeviceLog.ModelStarted(_runtime.Logger, _runtime.DeviceId, host.StoreKey, "back from the fallback");
            }

            Report();
        }
        else if (Health() != _reportedHealth)
        {
            Report();
        }

        if (verdict.Window % _runtime.Watchdog.ArtifactCheckWindows == 0 && _core.ScrubArtifact(verdict) is { } scrubbed)
        {
            OnEpisode(scrubbed);
        }

        Soak(outcome);
        if (verdict.Window % _runtime.TelemetryEveryWindows == 0)
        {
            Telemetry(verdict);
        }

        if (_heldFaults.Count > 0 && _core.Watchdog.IsWarm)
        {
            Inject(_heldFaults.Dequeue());
        }
    }

    private void OnEpisode(HealEpisode episode)
    {
        if (episode.Heal is { } heal)
        {
            _lastOutcome = heal.Outcome;
            Publish(heal);
            _runtime.Metrics?.Heal(_runtime.DeviceId, heal.Diagnosis, heal.Outcome);
            DeviceLog.Healed(_runtime.Logger, _runtime.DeviceId, heal.Id, heal.Diagnosis.ToString(), heal.Trigger ?? "", heal.Outcome.ToString(),
                string.Join(" → ", heal.Rungs.Select(r => $"{r.Rung}:{r.Validation}")));
        }

        if (episode.Insight is { } insight)
        {
            Publish(insight);
            DeviceLog.Insight(_runtime.Logger, _runtime.DeviceId, insight.Signature, insight.Outcome?.ToString() ?? "");
        }

        if (episode.Replacement is not null)
        {
            if (_core.Host.Source is ModelSource.Active or ModelSource.KnownGood)
            {
                Catalog.Store.SetPointer(StorePointer.Active, _core.Host.StoreKey);
            }

            // A fallback forced by a passing cause (heat, drifted inputs) ends when the cause does.
            _returnWhenClear = episode.Heal?.Diagnosis is Diagnosis.Compute or Diagnosis.DataDrift;
        }

        Report();
    }

    private void Telemetry(WindowVerdict verdict)
    {
        var hardware = _runtime.Sensors.Read();
        _runtime.Uplink.Telemetry(new TelemetryMessage
        {
            Window = Math.Round(_runtime.Watchdog.WindowSize / _runtime.FramesPerSecond, 3),
            Kl = Finite(verdict.Kl),
            KlThreshold = Finite(verdict.KlThreshold),
            InputShift = Finite(verdict.InputShift),
            LatencyP50Us = Finite(verdict.LatencyP50Us),
            LatencyP99Us = Finite(verdict.LatencyP99Us),
            Inferences = _core.Inferences,
            Heals = _core.Healer.Episodes,
            TemperatureC = hardware.TemperatureC,
            MemoryUsedMb = hardware.ProcessMemoryMb,
        });
    }

    private DeviceHealth Health() => _core.Healer.Latched is null ? DeviceHealth.Healthy : LatchedHealth();

    private DeviceHealth LatchedHealth() =>
        _lastOutcome == HealOutcome.Unhealable && _core.Healer.Latched is not null ? DeviceHealth.Unhealable
        : _core.Healer.Latched is not null ? DeviceHealth.Degraded
        : DeviceHealth.Healthy;

    private void Report()
    {
        var card = _core.Host.Package.Card;
        _reportedHealth = Health();
        _runtime.StatusLed?.Show(LedSignals.From(_reportedHealth, _returnWhenClear));
        _runtime.Uplink.Report(new ReportMessage
        {
            DesiredVersion = _state.DesiredVersion,
            Model = new ModelInfo
            {
                Id = card.Id,
                Version = card.ModelVersion,
                Sha256 = _core.Host.Sha256,
                Source = _core.Host.Source,
                Note = _core.Host.UnprunedFrom is { } dense ? $"critical layers restored dense from {dense}" : null,
            },
            Health = _reportedHealth,
            Thresholds = new ThresholdSettings { KlMax = Math.Round(_core.Watchdog.KlThreshold, 5), InputShiftMax = Math.Round(_core.Watchdog.InputShiftThreshold, 5) },
            CannotApply = _state.CannotApplyVersion is { } v ? new CannotApply { Version = v, Reason = _state.CannotApplyReason ?? "" } : null,
        });
    }

    private void Publish(DeviceEvent deviceEvent)
    {
        // The queue write is a local fsync: never wait for it on the actor's thread. The uplink stamps the seq and
        // joins the queue's FIFO gate before its first await, so events keep the order they were published in.
        var deviceId = _runtime.DeviceId;
        var logger = _runtime.Logger;
        _runtime.Uplink.EnqueueAsync(deviceEvent, CancellationToken.None).AsTask().PipeTo(Self,
            success: () => EventQueued.Instance,
            failure: ex =>
            {
                DeviceLog.EventNotQueued(logger, deviceId, ex);
                return new EventNotQueued(ex);
            });
    }

    private static double? Finite(double value) => double.IsFinite(value) ? Math.Round(value, 5) : null;

    private void OnInjectFault(InjectFault message)
    {
        if (!_runtime.IsSimulated)
        {
            return;
        }

        var busy = _passingFault is not null || _core.Healer.Latched is not null || !_core.Healer.Budget.Check().IsAllowed;
        switch (FaultGate.Admit(message.Origin, _core.Watchdog.IsWarm, busy, updateSoaking: _soak is not null))
        {
            case FaultAdmission.Inject:
                Inject(message.Fault);
                break;
            case FaultAdmission.Hold:
                _heldFaults.Enqueue(message.Fault);
                break;
        }
    }

    private void Inject(Fault fault)
    {
        if (fault.Kind == FaultKind.Crash)
        {
            DeviceLog.FaultInjected(_runtime.Logger, _runtime.DeviceId, "crash", "the model actor crashes now");
            throw new SimulatedCrashException();
        }

        var what = _faults.Inject(fault, _core, Catalog.Store);
        DeviceLog.FaultInjected(_runtime.Logger, _runtime.DeviceId, fault.ToString(), what);
        if (fault.Kind is FaultKind.Drift or FaultKind.Thermal)
        {
            _passingFault = fault;
            Timers.StartSingleTimer(("clear", fault.Kind), new ClearFault(fault), Fault.Duration);
        }
    }

    private void OnClearFault(ClearFault message)
    {
        _faults.Clear(message.Fault, _core);
        if (_passingFault?.Kind == message.Fault.Kind)
        {
            _passingFault = null;
        }
    }
}
