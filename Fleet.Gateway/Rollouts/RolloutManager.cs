using System.Text.Json;
using Akka.Actor;
using Fleet.Gateway.Store.Rollouts;
using Fleet.Gateway.Events;
using Fleet.Gateway.Twins;

namespace Fleet.Gateway.Rollouts;

/// <summary>
/// Runs staged rollouts (actor, <c>user/rollouts</c>): recovers the unfinished ones from the store when it starts, then on
/// every tick advances each active rollout by one <see cref="RolloutDriver"/> step. One piece of work per rollout runs at a
/// time (off the actor); operators' commands for a busy rollout wait their turn, so a step and a pause never interleave.
/// Every change of a rollout's view is published on the event feed as <c>rollout</c>.
/// </summary>
internal sealed class RolloutManager : UntypedActor, IWithUnboundedStash, IWithTimers
{
    private const int FinishedViews = 100;
    private static readonly JsonSerializerOptions ViewJson = new(JsonSerializerDefaults.Web);
    private readonly RolloutDriver _driver;
    private readonly RolloutManagerOptions _options;
    private readonly FleetEventFeed? _events;
    private readonly ILogger _logger;
    private readonly Dictionary<string, RolloutRun> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RolloutView> _finished = new(StringComparer.Ordinal);
    private readonly HashSet<string> _starting = new(StringComparer.Ordinal);
    private bool _recovered;

    public RolloutManager(RolloutDriver driver, RolloutManagerOptions options, FleetEventFeed? events, ILogger logger)
    {
        _driver = driver;
        _options = options;
        _events = events;
        _logger = logger;
    }

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(RolloutDriver driver, RolloutManagerOptions options, FleetEventFeed? events, ILogger logger) =>
        Akka.Actor.Props.Create(() => new RolloutManager(driver, options, events, logger));

    protected override void PreStart() => Recover();

    protected override void OnReceive(object message)
    {
        if (!_recovered && message is StartRollout or ChangeRollout)
        {
            Stash.Stash();
            return;
        }

        switch (message)
        {
            case Recovered recovered:
                OnRecovered(recovered);
                break;
            case RecoveryFailed failed:
                RolloutLog.RecoveryFailed(_logger, failed.Cause);
                Timers.StartSingleTimer("recover", RetryRecovery.Instance, _options.TickInterval);
                break;
            case RetryRecovery:
                Recover();
                break;
            case Tick:
                foreach (var run in _runs.Values.Where(r => r.IsActive && !r.Busy).ToList())
                {
                    Execute(run, Tick.Instance, Self);
                }

                break;
            case StartRollout start:
                OnStart(start);
                break;
            case Started started:
                OnStarted(started);
                break;
            case ChangeRollout change:
                OnChange(change);
                break;
            case WorkDone done:
                OnWorkDone(done);
                break;
            case GetRolloutViews:
                var views = new Dictionary<string, RolloutView>(_finished, StringComparer.Ordinal);
                foreach (var run in _runs.Values)
                {
                    views[run.Id] = run.View;
                }

                Sender.Tell(views, Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Recover()
    {
        _driver.RecoverAsync(CancellationToken.None).ContinueWith(
            t => t.IsCompletedSuccessfully ? (object)new Recovered(t.Result) : new RecoveryFailed(t.Exception?.GetBaseException() ?? new OperationCanceledException()),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default).PipeTo(Self);
    }

    private void OnRecovered(Recovered recovered)
    {
        foreach (var run in recovered.Runs)
        {
            Adopt(run);
        }

        _recovered = true;
        RolloutLog.Recovered(_logger, recovered.Runs.Count);
        Timers.StartPeriodicTimer("tick", Tick.Instance, _options.TickInterval);
        Stash.UnstashAll();
    }

    private void OnStart(StartRollout start)
    {
        if (_starting.Contains(start.ModelId) || _runs.Values.Any(r => r.Record.ModelId == start.ModelId && !r.Record.State.IsTerminal()))
        {
            Sender.Tell(new RolloutStartResult(RolloutRequestStatus.Conflict, $"another rollout of {start.ModelId} is in progress", null), Self);
            return;
        }

        _starting.Add(start.ModelId);
        var sender = Sender;
        _driver.CreateAsync(start, CancellationToken.None).ContinueWith(
            t => t.IsCompletedSuccessfully
                ? new Started(start.ModelId, t.Result.Result, t.Result.Run, null, sender)
                : new Started(start.ModelId, null, null, t.Exception?.GetBaseException() ?? new OperationCanceledException(), sender),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default).PipeTo(Self);
    }

    private void OnStarted(Started started)
    {
        _starting.Remove(started.ModelId);
        if (started.Run is { } run)
        {
            Adopt(run);
            Execute(run, Tick.Instance, started.ReplyTo);
        }

        started.ReplyTo.Tell(started.Result is { } result ? result : new Status.Failure(started.Error!), Self);
    }

    private void OnChange(ChangeRollout change)
    {
        if (!_runs.TryGetValue(change.RolloutId, out var run))
        {
            // Not held: finished (nothing to change) or never existed.
            var known = _finished.ContainsKey(change.RolloutId);
            Sender.Tell(
                new RolloutChangeResult(known ? RolloutRequestStatus.Conflict : RolloutRequestStatus.NotFound, known ? $"rollout {change.RolloutId} has ended" : null, _finished.GetValueOrDefault(change.RolloutId)),
                Self);
            return;
        }

        if (run.Busy)
        {
            run.Waiting.Enqueue(new Pending(change, Sender));
            return;
        }

        Execute(run, change, Sender);
    }

    private void Adopt(RolloutRun run)
    {
        run.View = RolloutViews.Build(run);
        _runs[run.Id] = run;
        Publish(run);
    }

    /// <summary>Runs one piece of work on <paramref name="run"/> off the actor; <see cref="WorkDone"/> brings it back.</summary>
    private void Execute(RolloutRun run, object work, IActorRef replyTo)
    {
        run.Busy = true;
        var task = work is ChangeRollout change
            ? _driver.ChangeAsync(run, change, CancellationToken.None).ContinueWith(t => (object?)t.Result, TaskScheduler.Default)
            : _driver.StepAsync(run, CancellationToken.None).ContinueWith(t => { t.GetAwaiter().GetResult(); return (object?)null; }, TaskScheduler.Default);
        task.ContinueWith(
            t => new WorkDone(run.Id, work, t.IsCompletedSuccessfully ? t.Result : null, t.Exception?.GetBaseException(), RolloutViews.Build(run), replyTo),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default).PipeTo(Self);
    }

    private void OnWorkDone(WorkDone done)
    {
        if (!_runs.TryGetValue(done.RolloutId, out var run))
        {
            return;
        }

        run.Busy = false;
        run.View = done.View;
        if (done.Error is { } error)
        {
            RolloutLog.StepFailed(_logger, run.Id, error);
        }

        if (done.Work is ChangeRollout)
        {
            done.ReplyTo.Tell(done.Result ?? new Status.Failure(done.Error ?? new InvalidOperationException("no result")), Self);
        }

        Publish(run);
        if (run.Waiting.TryDequeue(out var next) && next is Pending pending)
        {
            Execute(run, pending.Change, pending.ReplyTo);
            return;
        }

        if (!run.IsActive)
        {
            _runs.Remove(run.Id);
            _finished[run.Id] = run.View;
            if (_finished.Count > FinishedViews)
            {
                _finished.Remove(_finished.Values.MinBy(v => v.Updated)!.Id);
            }
        }
    }

    private void Publish(RolloutRun run)
    {
        if (_events is null)
        {
            return;
        }

        var json = JsonSerializer.Serialize(run.View, ViewJson);
        if (json != run.PublishedJson)
        {
            run.PublishedJson = json;
            _events.Publish(new RolloutChanged(run.View));
        }
    }

    private sealed record Tick : INoSerializationVerificationNeeded
    {
        public static Tick Instance { get; } = new();
    }

    private sealed record RetryRecovery : INoSerializationVerificationNeeded
    {
        public static RetryRecovery Instance { get; } = new();
    }

    private sealed record Recovered(IReadOnlyList<RolloutRun> Runs) : INoSerializationVerificationNeeded;

    private sealed record RecoveryFailed(Exception Cause) : INoSerializationVerificationNeeded;

    private sealed record Started(string ModelId, RolloutStartResult? Result, RolloutRun? Run, Exception? Error, IActorRef ReplyTo) : INoSerializationVerificationNeeded;

    private sealed record Pending(ChangeRollout Change, IActorRef ReplyTo) : INoSerializationVerificationNeeded;

    private sealed record WorkDone(string RolloutId, object Work, object? Result, Exception? Error, RolloutView View, IActorRef ReplyTo) : INoSerializationVerificationNeeded;
}
