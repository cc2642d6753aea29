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
    private const int SketchBins = 16;
    private const float SketchMin = -1f;
    private const float SketchMax = 2f;

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
    private long[] _outputCounts = [];
    private double[] _baselineP = [];
    private double[] _observedP = [];
    private BaselineHistogram? _baseline;
    private float _scale;
    private InputDriftMeter? _drift;
    private int _featureCount;
    private double[] _inputSum = [];
    private double[] _inputSumSquares = [];
    private long[][] _inputBins = [];
    private int _inWindow;
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

    /// <summary>The input sketch of the last closed window (for insights).</summary>
    public InputSketch? LastSketch { get; private set; }

    /// <summary>Points the output comparison at a (new) model's baseline histogram.</summary>
    public void UseBaseline(BaselineHistogram baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        if (ReferenceEquals(baseline, _baseline))
        {
            return;
        }

        _baseline = baseline;
        var bins = baseline.Counts.Length;
        _outputCounts = new long[bins];
        _observedP = new double[bins];
        _baselineP = new double[bins];
        var total = baseline.Total + (0.5 * bins);
        for (var i = 0; i < bins; i++)
        {
            _baselineP[i] = (baseline.Counts[i] + 0.5) / total;
        }

        _scale = bins / (baseline.Max - baseline.Min);
    }

    /// <summary>Records a sampled inference's controls and latency.</summary>
    public void Observe(ReadOnlySpan<float> controls, double latencyMicroseconds)
    {
        if (_featureCount == 0)
        {
            StartInputs(controls.Length);
        }

        var row = controls[.._featureCount];
        for (var f = 0; f < row.Length; f++)
        {
            var x = row[f];
            _inputSum[f] += x;
            _inputSumSquares[f] += (double)x * x;
        }

        if (_drift is null)
        {
            foreach (var x in row)
            {
                _baselineRows.Add(x);
            }
        }
        else
        {
            _drift.Add(row);
        }

        _latency.RecordMicroseconds(latencyMicroseconds);
        _inWindow++;
    }

    /// <summary>Records a sampled inference's output frame and hidden activations.</summary>
    public void ObserveOutputs(ReadOnlySpan<float> output, ReadOnlySpan<float> hidden)
    {
        var min = _baseline!.Min;
        var scale = _scale;
        var counts = _outputCounts;
        var last = counts.Length - 1;
        foreach (var v in output)
        {
            // NaN (and ±∞) land in an edge bin, as BaselineHistogram does.
            var bin = (int)((v - min) * scale);
            counts[Math.Clamp(float.IsNaN(v) ? 0 : bin, 0, last)]++;
        }

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

    /// <summary>Adds a control vector to the coarse input histograms (called for a sample of inferences).</summary>
    public void Sketch(ReadOnlySpan<float> controls)
    {
        for (var f = 0; f < _featureCount && f < controls.Length; f++)
        {
            var bin = (int)((controls[f] - SketchMin) / (SketchMax - SketchMin) * SketchBins);
            _inputBins[f][Math.Clamp(bin, 0, SketchBins - 1)]++;
        }
    }

    /// <summary>Closes the window: computes the signals, applies thresholds and persistence, says whether to heal.</summary>
    public WindowVerdict CloseWindow(ModelHost host, double? temperatureC)
    {
        ArgumentNullException.ThrowIfNull(host);
        _windows++;
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
            AddIf(firing, _shiftFilter.Observe(shiftExceeds), HealTrigger.Drift);
            AddIf(firing, _latencyFilter.Observe(latencyExceeds), HealTrigger.Latency);
            AddIf(firing, _klFilter.Observe(klExceeds), HealTrigger.Kl);
            AddIf(firing, _activationFilter.Observe(activationExceeds), HealTrigger.Activations);
        }

        var trigger = firing.Count > 0 ? firing[0] : HealTrigger.None;

        var healthy = mismatches.Count == 0 && !klExceeds && !shiftExceeds && !activationExceeds && !latencyExceeds;
        if (healthy || !warm)
        {
            Learn(kl, shift, activation, p50);
        }

        LastSketch = TakeSketch();
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
        else if (_healthyWindows >= Math.Max(2, _options.WarmUpWindows / 2) && _baselineRows.Count >= 2 * _featureCount)
        {
            _drift = new InputDriftMeter(FeatureBaseline.FromRows(_baselineRows.ToArray(), _featureCount));
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
        long total = 0;
        foreach (var c in _outputCounts)
        {
            total += c;
        }

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

    private void StartInputs(int featureCount)
    {
        _featureCount = featureCount;
        _inputSum = new double[featureCount];
        _inputSumSquares = new double[featureCount];
        _inputBins = Enumerable.Range(0, featureCount).Select(_ => new long[SketchBins]).ToArray();
    }

    private InputSketch? TakeSketch()
    {
        if (_inWindow == 0 || _featureCount == 0)
        {
            return null;
        }

        var centroid = new float[_featureCount];
        var spread = new float[_featureCount];
        for (var f = 0; f < _featureCount; f++)
        {
            var mean = _inputSum[f] / _inWindow;
            centroid[f] = (float)Math.Round(mean, 4);
            spread[f] = (float)Math.Round(Math.Sqrt(Math.Max(0, (_inputSumSquares[f] / _inWindow) - (mean * mean))), 4);
        }

        return new InputSketch(_inWindow, centroid, spread, SketchMin, SketchMax, _inputBins.Select(b => (long[])b.Clone()).ToArray());
    }

    private void ResetWindow()
    {
        Array.Clear(_outputCounts);
        Array.Clear(_inputSum);
        Array.Clear(_inputSumSquares);
        foreach (var bins in _inputBins)
        {
            Array.Clear(bins);
        }

        _drift?.Reset();
        _hidden.Reset();
        _latency.Reset();
        _inWindow = 0;
    }
}
