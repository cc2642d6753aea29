using System.Globalization;
using System.Text.Json;
using Fleet.Device.Inference;
using Fleet.Device.Monitoring;
using Fleet.Shared.Health;
using Fleet.Shared.Protocol;

namespace Fleet.Device.Healing;

/// <summary>
/// Turns a window verdict that calls for a heal into one episode: diagnose, check the budget, climb the ladder
/// for that diagnosis, and describe it as a heal event (and an insight when the fleet can learn from it).
/// </summary>
/// <remarks>
/// A cause the ladder cannot remove (data drift, compute, an unhealable model) is latched: the same diagnosis is
/// ignored until a window shows no signal above its threshold, so one persistent fault is one episode. A refused
/// budget is reported once and then stays quiet until the budget allows a heal again.
/// </remarks>
internal sealed class Healer
{
    private readonly RemediationOptions _options;
    private readonly DiagnoserOptions _diagnoser;
    private readonly ModelCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly RemediationLadder _ladder;
    private readonly HealBudget _budget;
    private readonly string _idPrefix;
    private long _episodes;
    private Diagnosis? _latched;
    private DateTimeOffset _refusedUntil;

    public Healer(RemediationOptions options, DiagnoserOptions diagnoser, ModelCatalog catalog, TimeProvider time)
    {
        _options = options.Validate();
        _diagnoser = diagnoser.Validate();
        _catalog = catalog;
        _time = time;
        _ladder = new RemediationLadder(time);
        _budget = new HealBudget(options.Budget, time);
        _idPrefix = "h-" + time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Heal episodes run since the agent started.</summary>
    public long Episodes => _episodes;

    /// <summary>The diagnosis being ignored because its cause outlives any heal (drift, an unhealable model), or null.</summary>
    public Diagnosis? Latched => _latched;

    public HealBudget Budget => _budget;

    /// <summary>True while a refusal of the budget has been reported and the budget does not yet allow a heal.</summary>
    public bool Refusing => _time.GetUtcNow() < _refusedUntil;

    /// <summary>Handles one closed window; null when nothing is to be done.</summary>
    public HealEpisode? OnWindow(WindowVerdict verdict, ModelHost host)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        if (_latched is not null && !verdict.AnyExceeding)
        {
            _latched = null;
        }

        var trigger = verdict.Trigger;
        if (trigger == HealTrigger.None || _time.GetUtcNow() < _refusedUntil)
        {
            // A refused budget was reported once; nothing more until it allows a heal again.
            return null;
        }

        // A digest mismatch is never latched away: a new flipped bit is a new fault.
        if (trigger != HealTrigger.Digest && Diagnoser.Diagnose(verdict.Evidence(), _diagnoser).Diagnosis == _latched)
        {
            return null;
        }

        return Heal(trigger, verdict, host);
    }

    /// <summary>
    /// Runs one episode for <paramref name="trigger"/> (also used by commands and the artifact scrub); a caller that
    /// knows the cause better than the window's evidence passes it as <paramref name="known"/>.
    /// </summary>
    public HealEpisode Heal(HealTrigger trigger, WindowVerdict evidence, ModelHost host, DiagnosisResult? known = null)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(host);
        var started = _time.GetTimestamp();
        var diagnosis = known ?? Diagnoser.Diagnose(evidence.Evidence(), _diagnoser);
        var id = $"{_idPrefix}-{Interlocked.Increment(ref _episodes)}";
        var rungs = _options.LadderFor(diagnosis.Diagnosis);
        if (diagnosis.Diagnosis == Diagnosis.DataDrift)
        {
            rungs = _options.SafetyOnDrift && evidence.Kl > evidence.KlThreshold * _options.DriftQualityFloor && host.Source != ModelSource.Safety
                ? [HealRung.SafetyModel]
                : [];
        }

        LadderResult result;
        if (rungs.Count == 0)
        {
            result = new LadderResult(HealOutcome.Unhealable, [], null);
        }
        else if (_budget.TryAcquire() is { IsAllowed: false } refusal)
        {
            _refusedUntil = refusal.RetryAt;
            var refused = Event(id, diagnosis.Diagnosis, trigger, [], HealOutcome.BudgetExhausted, host, refusal.Reason);
            return new HealEpisode(refused, Insight(diagnosis.Diagnosis, evidence, host, HealOutcome.BudgetExhausted), null, _time.GetElapsedTime(started));
        }
        else
        {
            result = _ladder.Climb(rungs, new HealContext(host, _catalog, evidence.Mismatches));
        }

        var healedCause = result.Outcome == HealOutcome.Healed && diagnosis.Diagnosis is Diagnosis.Hardware;
        if (!healedCause)
        {
            _latched = diagnosis.Diagnosis;
        }

        var served = result.Replacement ?? host;
        var heal = result.Rungs.Count == 0 ? null : Event(id, diagnosis.Diagnosis, trigger, result.Rungs, result.Outcome, served, diagnosis.Reason);
        var insight = diagnosis.Diagnosis is Diagnosis.Hardware && result.Outcome == HealOutcome.Healed
            ? null
            : Insight(diagnosis.Diagnosis, evidence, host, result.Outcome);
        return new HealEpisode(heal, insight, result.Replacement, _time.GetElapsedTime(started));
    }

    private HealEvent Event(string id, Diagnosis diagnosis, HealTrigger trigger, IReadOnlyList<HealRungResult> rungs, HealOutcome outcome, ModelHost host, string reason) => new()
    {
        Id = id,
        Ts = _time.GetUtcNow(),
        Diagnosis = diagnosis,
        Trigger = trigger.WireName(),
        Rungs = rungs,
        Outcome = outcome,
        ModelVersion = host.Package.Card.ModelVersion,
    };

    private InsightEvent Insight(Diagnosis diagnosis, WindowVerdict evidence, ModelHost host, HealOutcome outcome)
    {
        var sketch = evidence.Mismatches.Count == 0 ? SketchJson(host) : null;
        return new InsightEvent
        {
            Ts = _time.GetUtcNow(),
            Signature = $"{host.Package.Card.Id}/{host.Package.Card.ModelVersion}/{diagnosis.ToString().ToLowerInvariant()}",
            Diagnosis = diagnosis,
            ModelVersion = host.Package.Card.ModelVersion,
            Kl = new KlStatistics { Windows = 1, Mean = Round(evidence.Kl), Max = Round(evidence.Kl), Threshold = Round(evidence.KlThreshold) },
            Region = sketch,
            Noise = sketch is null ? null : SketchNoise.Describe(_options.InsightNoise),
            Outcome = outcome,
        };
    }

    /// <summary>
    /// Where sketch noise is drawn from: <see cref="Random.Shared"/>, not a seeded generator, since noise a receiver could
    /// replay would protect nothing. Tests that need repeatable noise set their own.
    /// </summary>
    public Random NoiseSource { get; set; } = Random.Shared;

    /// <summary>Set by the owner to the watchdog's last input sketch before a heal.</summary>
    public InputSketch? Sketch { get; set; }

    private JsonElement? SketchJson(ModelHost host)
    {
        if (Sketch is not { } s)
        {
            return null;
        }

        _ = host;

        var sent = SketchNoise.Apply(s, _options.InsightNoise, NoiseSource);
        return JsonSerializer.SerializeToElement(sent, MonitoringJsonContext.Default.InputSketch);
    }

    private static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 5) : 1e9;
}
