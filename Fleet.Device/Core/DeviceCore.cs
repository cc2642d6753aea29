using Fleet.Device.Healing;
using Fleet.Device.Inference;
using Fleet.Device.Monitoring;
using Fleet.Device.Simulation;
using Fleet.Device.Storage;
using Fleet.Shared.Health;

namespace Fleet.Device.Core;

/// <summary>
/// The device's inference loop, one window at a time: infer, observe, close the window, heal when called for,
/// swap the host when a rung replaced it. Single-threaded; the device's actor (or the bench) drives it.
/// </summary>
internal sealed class DeviceCore : IFaultTarget, IDisposable
{
    private readonly float[] _controls = new float[3];
    private readonly Func<double?> _temperature;
    private readonly int _sampleEvery;
    private readonly int _windowSize;
    private int _position;
    private long _inferences;
    private long _samples;
    private int _untilSample = 1;
    private long _closeTicks;

    public DeviceCore(ModelHost host, Watchdog watchdog, Healer healer, ControlStream input, Func<double?> temperature)
    {
        Host = host;
        Watchdog = watchdog;
        Healer = healer;
        Input = input;
        _temperature = temperature;
        _sampleEvery = watchdog.Options.SampleEvery;
        _windowSize = watchdog.Options.WindowSize;
        Watchdog.UseBaseline(host.Reference.Baseline);
    }

    public ModelHost Host { get; private set; }

    public Watchdog Watchdog { get; }

    public Healer Healer { get; }

    public ControlStream Input { get; }

    public ModelCatalog? Catalog { get; init; }

    /// <summary>The clock inference latency and heal time are measured with; the system clock unless a test passes one.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Output excerpts attached to heal events (null: none).</summary>
    public OutputSnippet? Snippet { get; init; }

    /// <summary>Extra latency injected per inference (simulated compute throttling), in microseconds.</summary>
    public double InjectedLatencyUs { get; set; }

    public long Inferences => _inferences;

    /// <summary>Timestamp ticks of <see cref="Time"/> (Stopwatch ticks with the system clock) spent closing windows (digests, KL, thresholds, drift), for the bench's breakdown.</summary>
    public long CloseTicks => _closeTicks;

    /// <summary>The last output frame (the application's audio).</summary>
    public ReadOnlySpan<float> LastFrame => Host.Output;

    /// <summary>Runs one whole window of inferences, then closes it.</summary>
    public WindowOutcome RunWindow()
    {
        WindowOutcome? outcome;
        while ((outcome = RunFrames(_windowSize)) is null)
        {
        }

        return outcome;
    }

    /// <summary>
    /// Runs up to <paramref name="count"/> inferences (statistics on every SampleEvery-th); when the window fills,
    /// closes it, heals if called for, and returns the outcome (frames past the window's end are not run).
    /// </summary>
    public WindowOutcome? RunFrames(int count)
    {
        var hidden = Host.HiddenCount > 0 ? Host.HiddenCount - 1 : -1;
        var frames = Math.Min(count, _windowSize - _position);
        for (var i = 0; i < frames; i++)
        {
            Input.Next(_controls);
            _inferences++;
            if (--_untilSample > 0)
            {
                Host.Infer(_controls);
                Snippet?.Offer(_position + i, _windowSize, Host.Output);
                continue;
            }

            _untilSample = _sampleEvery;
            var t0 = Time.GetTimestamp();
            Host.Infer(_controls);
            var latencyUs = Time.GetElapsedTime(t0).TotalMicroseconds + InjectedLatencyUs;
            Snippet?.Offer(_position + i, _windowSize, Host.Output);
            Watchdog.Observe(_controls, latencyUs);
            // Activation statistics need fewer samples than the output histogram.
            Watchdog.ObserveOutputs(Host.Output, hidden >= 0 && ++_samples % 4 == 1 ? Host.Hidden(hidden) : default);
        }

        _position += frames;
        if (_position < _windowSize)
        {
            return null;
        }

        _position = 0;
        var closing = Time.GetTimestamp();
        var verdict = Watchdog.CloseWindow(Host, _temperature());
        Snippet?.WindowClosed(verdict);
        _closeTicks += Time.GetTimestamp() - closing;
        if (verdict.CallsForHeal)
        {
            // The sketch is built only when an insight may need it.
            Healer.Sketch = Watchdog.LastSketch;
        }

        var healStarted = Time.GetTimestamp();
        var episode = Healer.OnWindow(verdict, Host);
        var healTime = Time.GetElapsedTime(healStarted);
        if (episode is not null)
        {
            episode = Snippet is { } snippet && episode.Heal is { } heal ? episode with { Heal = snippet.Attach(heal) } : episode;
            Apply(episode);
        }

        return new WindowOutcome(verdict, episode, episode is null ? TimeSpan.Zero : healTime);
    }

    /// <summary>
    /// Re-hashes the running version's artifact on disk; a damaged one is a hardware fault, healed by the ladder
    /// (whose reload rung rewrites it from the verified in-memory copy). Null when the artifact is intact.
    /// </summary>
    public HealEpisode? ScrubArtifact(WindowVerdict evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        // A refusal was reported once; the scrub finds the damage again once the budget allows a heal.
        if (Healer.Refusing)
        {
            return null;
        }

        if (Catalog?.Store.VerifyArtifact(Host.Sha256) is not { IsSuccess: false, Error: { Kind: StoreErrorKind.Corrupt or StoreErrorKind.NotFound } error })
        {
            return null;
        }

        var episode = Healer.Heal(HealTrigger.Artifact, evidence, Host, new DiagnosisResult(Diagnosis.Hardware, $"the artifact on disk failed verification: {error.Message}"));
        Apply(episode);
        return episode;
    }

    /// <summary>Runs <paramref name="count"/> inferences with no observation at all: the baseline monitoring overhead is measured against.</summary>
    public void RunUnmonitored(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Input.Next(_controls);
            Host.Infer(_controls);
        }
    }

    /// <summary>Adopts an episode's replacement host (if any) and restarts the k-of-n counts.</summary>
    public void Apply(HealEpisode episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        if (episode.Replacement is { } replacement)
        {
            Replace(replacement);
        }

        Watchdog.UseBaseline(Host.Reference.Baseline);
        Watchdog.ResetFilters();
    }

    /// <summary>Serves <paramref name="host"/> from now on; the old host is disposed.</summary>
    public void Replace(ModelHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (ReferenceEquals(host, Host))
        {
            return;
        }

        var old = Host;
        Host = host;
        old.Dispose();
        Watchdog.UseBaseline(host.Reference.Baseline);
        Watchdog.DiscardWindow();
        Watchdog.ResetFilters();
        _position = 0;
    }

    public void Dispose() => Host.Dispose();
}
