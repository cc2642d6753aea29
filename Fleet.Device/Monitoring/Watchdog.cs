using System.Runtime.InteropServices;
using Fleet.Device.Inference;
using Fleet.Shared.Health;
using Fleet.Shared.Models;

namespace Fleet.Device.Monitoring;

/// <summary>
/// Observes every inference and, per window, compares outputs, inputs, hidden activations, latency, weights and
/// hardware with the device's own healthy history; decides whether a heal is called for.
/// </summary>
/// <remarks>
/// Statistical signals pass a <see cref="PersistenceFilter"/> (k of the last n windows) so transient noise never
/// heals; a digest mismatch triggers at once (a flipped bit is certain). Only windows that raised no signal feed
/// the dynamic thresholds, so a fault never teaches the watchdog that it is normal.
/// </remarks>
internal sealed class Watchdog
{
    private readonly WatchdogOptions _options;
    private readonly DynamicThreshold _kl;
    private readonly DynamicThreshold _shift;
    private readonly DynamicThreshold _activations;
    private readonly StreamingPercentile _healthyLatency = new(0.5);
    private readonly PersistenceFilter _klFilter;
    private readonly PersistenceFilter _shiftFilter;
    private readonly PersistenceFilter _activationFilter;
    private readonly PersistenceFilter _latencyFilter;
    private readonly LatencyTracker _latency;
    private readonly ActivationStats _hidden = new();
    private readonly ActivationStats _hiddenBaseline = new();
    private readonly List<float> _baselineRows = [];
    private OutputHistogram? _outputs;
    private long[] _outputCounts = [];
    private double[] _baselineP = [];
    private double[] _observedP = [];
    private InputDriftMeter? _drift;
    private InputWindow? _inputs;
    private InputWindow? _lastInputs;
    private InputSketch? _lastSketch;
    private bool _lastSketchStale;
    private long _windows;
    private long _healthyWindows;

    public Watchdog(WatchdogOptions options)
    {
        _options = options.Validate();
        _kl = new DynamicThreshold(options.Kl);
        _shift = new DynamicThreshold(options.InputShift);
        _activations = new DynamicThreshold(options.Activations);
        _klFilter = new PersistenceFilter(options.PersistenceRequired, options.PersistenceWindow);
        _shiftFilter = new PersistenceFilter(options.PersistenceRequired, options.PersistenceWindow);
        _activationFilter = new PersistenceFilter(options.PersistenceRequired, options.PersistenceWindow);
        _latencyFilter = new PersistenceFilter(options.PersistenceRequired, options.PersistenceWindow);
        _latency = new LatencyTracker(Math.Max(options.WindowSize, 16));
    }

    public WatchdogOptions Options => _options;

    /// <summary>Fixed KL limit from desired state; null = the dynamic threshold.</summary>
    public double? KlOverride { get; set; }

    /// <summary>Fixed input-shift limit from desired state; null = the dynamic threshold.</summary>
    public double? InputShiftOverride { get; set; }

    public long Windows => _windows;

    public bool IsWarm => _healthyWindows >= _options.WarmUpWindows;

    public double KlThreshold => KlOverride ?? _kl.Current;

    public double InputShiftThreshold => InputShiftOverride ?? _shift.Current;

    /// <summary>The input sketch of the last closed window (for insights), built on first use.</summary>
    public InputSketch? LastSketch
    {
        get
        {
            if (_lastSketchStale)
            {
                _lastSketch = _lastInputs?.Sketch();
                _lastSketchStale = false;
            }

            return _lastSketch;
        }
    }

    /// <summary>Points the output comparison at a (new) model's baseline histogram.</summary>
    public void UseBaseline(BaselineHistogram baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        if (ReferenceEquals(baseline, _outputs?.Baseline))
        {
            return;
        }

        _outputs = new OutputHistogram(baseline);
        var bins = _outputs.Bins;
        _outputCounts = new long[bins];
        _observedP = new double[bins];
        _baselineP = new double[bins];
        var total = baseline.Total + (0.5 * bins);
        for (var i = 0; i < bins; i++)
        {
            _baselineP[i] = (baseline.Counts[i] + 0.5) / total;
        }
    }

    /// <summary>Records a sampled inference's controls and latency (a copy of the row; the statistics wait for the window's end).</summary>
    public void Observe(ReadOnlySpan<float> controls, double latencyMicroseconds)
    {
        if (_inputs is null)
        {
            var rows = (_options.WindowSize / _options.SampleEvery) + 1;
            _inputs = new InputWindow(controls.Length, rows);
            _lastInputs = new InputWindow(controls.Length, rows);
        }

        _inputs.Add(controls);
        _latency.RecordMicroseconds(latencyMicroseconds);
    }

    /// <summary>Records a sampled inference's output frame and (when given) hidden activations.</summary>
    public void ObserveOutputs(ReadOnlySpan<float> output, ReadOnlySpan<float> hidden)
    {
        _outputs!.Add(output);
        if (!hidden.IsEmpty)
        {
            _hidden.Add(hidden);
            if (!IsWarm)
            {
                // The warm-up windows define the activation baseline.
                _hiddenBaseline.Add(hidden);
            }
        }
    }

    /// <summary>Closes the window: computes the signals, applies thresholds and persistence, says whether to heal.</summary>
    public WindowVerdict CloseWindow(ModelHost host, double? temperatureC)
    {
        ArgumentNullException.ThrowIfNull(host);
        _windows++;
        TakeInputs();
        var digestDue = _windows % _options.DigestPeriodWindows == 0;
        var mismatches = digestDue ? host.CheckDigests() : [];

        var kl = OutputKl();
        var shift = _drift?.Score().Score ?? 0;
        var activation = _hiddenBaseline.Count > 0 ? _hidden.Summary().AnomalyScore(_hiddenBaseline.Summary()) : 0;
        var p50 = _latency.P50Microseconds;
        var p99 = _latency.P99Microseconds;
        // Medians, not tails: throttling slows every inference, while a busy neighbour only stretches a few.
        var healthyP50 = _healthyLatency.Count > 0 ? _healthyLatency.Value : double.NaN;
        var klThreshold = KlThreshold;
        var shiftThreshold = InputShiftThreshold;

        var klExceeds = kl > klThreshold || double.IsNaN(kl);
        var shiftExceeds = _drift is not null && shift > shiftThreshold;
        var activationExceeds = _hiddenBaseline.Count > 0 && activation > _activations.Current;
        var latencyExceeds = (healthyP50 > 0 && p50 > _options.LatencyRatio * healthyP50) || temperatureC >= _options.TemperatureLimitC;

        var warm = IsWarm;
        var firing = new List<HealTrigger>(2);
        if (mismatches.Count > 0)
        {
            firing.Add(HealTrigger.Digest);
        }

        if (warm)
        {
            // Every filter sees every window, so k-of-n counts stay true whichever signal fires first;
            // the order is the diagnostic precedence (inputs and compute explain a quality drop, not the reverse).
            // A signal fires only in a window that itself exceeds: the first clean window after a fault ends must not
            // heal on its predecessors' votes (its evidence would be diagnosed as a model-quality failure).
            AddIf(firing, _shiftFilter.Observe(shiftExceeds) && shiftExceeds, HealTrigger.Drift);
            AddIf(firing, _latencyFilter.Observe(latencyExceeds) && latencyExceeds, HealTrigger.Latency);
            AddIf(firing, _klFilter.Observe(klExceeds) && klExceeds, HealTrigger.Kl);
            AddIf(firing, _activationFilter.Observe(activationExceeds) && activationExceeds, HealTrigger.Activations);
        }

        var trigger = firing.Count > 0 ? firing[0] : HealTrigger.None;

        var healthy = mismatches.Count == 0 && !klExceeds && !shiftExceeds && !activationExceeds && !latencyExceeds;
        if (healthy || !warm)
        {
            Learn(kl, shift, activation, p50);
        }

        (_inputs, _lastInputs) = (_lastInputs, _inputs);
        _lastSketchStale = true;
        var verdict = new WindowVerdict(_windows, trigger, kl, klThreshold, shift, shiftThreshold, activation, p50, p99, healthyP50,
            temperatureC, mismatches, digestDue, warm, !healthy, firing);
        ResetWindow();
        return verdict;
    }

    /// <summary>Forgets the k-of-n history (after a heal or a model switch) so one episode is not counted twice.</summary>
    public void ResetFilters()
    {
        _klFilter.Reset();
        _shiftFilter.Reset();
        _activationFilter.Reset();
        _latencyFilter.Reset();
    }

    /// <summary>Discards the current partial window (after a model switch its outputs describe the old model).</summary>
    public void DiscardWindow() => ResetWindow();

    private static void AddIf(List<HealTrigger> firing, bool fires, HealTrigger trigger)
    {
        if (fires)
        {
            firing.Add(trigger);
        }
    }

    private void Learn(double kl, double shift, double activation, double p50)
    {
        _healthyWindows++;
        _kl.Observe(kl);
        if (_drift is not null)
        {
            _shift.Observe(shift);
        }
        else if (_inputs is not null && _healthyWindows >= Math.Max(2, _options.WarmUpWindows / 2) && _baselineRows.Count >= 2 * _inputs.FeatureCount)
        {
            _drift = new InputDriftMeter(FeatureBaseline.FromRows(CollectionsMarshal.AsSpan(_baselineRows), _inputs.FeatureCount));
            _baselineRows.Clear();
        }

        if (_hiddenBaseline.Count > 0 && _hidden.Count > 0)
        {
            _activations.Observe(activation);
        }

        if (!double.IsNaN(p50))
        {
            _healthyLatency.Add(p50);
        }
    }

    private double OutputKl()
    {
        var total = _outputs?.CopyCounts(_outputCounts) ?? 0;
        if (total == 0)
        {
            return 0;
        }

        var denominator = total + (0.5 * _outputCounts.Length);
        for (var i = 0; i < _outputCounts.Length; i++)
        {
            _observedP[i] = (_outputCounts[i] + 0.5) / denominator;
        }

        return KlDivergence.Compute(_observedP, _baselineP);
    }

    /// <summary>Feeds the window's input rows to the drift meter, or to the baseline while it is still being learned.</summary>
    private void TakeInputs()
    {
        if (_inputs is null)
        {
            return;
        }

        var rows = _inputs.Rows;
        if (_drift is null)
        {
            foreach (var x in rows)
            {
                _baselineRows.Add(x);
            }

            return;
        }

        for (var at = 0; at < rows.Length; at += _inputs.FeatureCount)
        {
            _drift.Add(rows.Slice(at, _inputs.FeatureCount));
        }
    }

    private void ResetWindow()
    {
        _outputs?.Reset();
        _inputs?.Reset();
        _drift?.Reset();
        _hidden.Reset();
        _latency.Reset();
    }
}
