using System.Buffers.Binary;
using Fleet.Shared.Protocol;

namespace Fleet.Device.Monitoring;

/// <summary>
/// Keeps the output of the last few inferences of each window and the excerpt of the last clean window, and attaches
/// both to a heal event (<see cref="HealOutputSnippets"/>): what the model produced before the fault and when it fired.
/// </summary>
/// <remarks>
/// Only the last <see cref="Frames"/> frames of a window are copied (one span copy each), and a clean window is
/// encoded into a reused buffer, so a healthy device allocates nothing here after its first windows. Excerpts are
/// decimated (every n-th sample, no filter: a picture and a rough sound of the fault, not hi-fi audio) and clipped
/// to 16-bit PCM, at most <see cref="HealOutputSnippets.MaxSamples"/> samples.
/// </remarks>
internal sealed class OutputSnippet
{
    private readonly int _sampleRate;
    private readonly int _decimation;
    private float[] _current = [];
    private float[] _closed = [];
    private int _frameLength;
    private int _currentFrames;
    private int _currentNext;
    private int _closedFrames;
    private int _closedNext;
    private byte[] _clean = [];
    private int _cleanBytes;

    /// <param name="sampleRate">Samples per second of the model's output (the vocoder: 16 kHz).</param>
    /// <param name="frames">How many of a window's last output frames to keep.</param>
    /// <param name="decimation">Keep every n-th sample.</param>
    public OutputSnippet(int sampleRate, int frames = 12, int decimation = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(decimation);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, decimation);
        _sampleRate = sampleRate;
        Frames = frames;
        _decimation = decimation;
    }

    /// <summary>Frames kept from the end of each window.</summary>
    public int Frames { get; }

    /// <summary>Keeps <paramref name="output"/> when frame <paramref name="position"/> is among the last <see cref="Frames"/> of a window of <paramref name="windowSize"/>.</summary>
    public void Offer(int position, int windowSize, ReadOnlySpan<float> output)
    {
        if (position < windowSize - Frames || output.IsEmpty)
        {
            return;
        }

        if (output.Length != _frameLength)
        {
            // A new model with another output width: start over.
            _frameLength = output.Length;
            _current = new float[Frames * _frameLength];
            _closed = new float[Frames * _frameLength];
            _currentFrames = _currentNext = _closedFrames = _closedNext = _cleanBytes = 0;
        }

        // A ring: frames of a window the core discarded (a model swap) are overwritten by the next window's.
        output.CopyTo(_current.AsSpan(_currentNext * _frameLength, _frameLength));
        _currentNext = (_currentNext + 1) % Frames;
        _currentFrames = Math.Min(_currentFrames + 1, Frames);
    }

    /// <summary>The window closed: its frames become the excerpt a heal attaches, and the clean excerpt when no signal exceeded its threshold.</summary>
    public void WindowClosed(WindowVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        (_current, _closed) = (_closed, _current);
        (_closedFrames, _closedNext) = (_currentFrames, _currentNext);
        _currentFrames = _currentNext = 0;
        var clean = !verdict.CallsForHeal && !verdict.AnyExceeding && verdict.Mismatches.Count == 0;
        if (clean && _closedFrames > 0)
        {
            if (_clean.Length < MaxBytes)
            {
                _clean = new byte[MaxBytes];
            }

            _cleanBytes = EncodeClosed(_clean);
        }
    }

    /// <summary><paramref name="heal"/> with the excerpts of the last clean window and of the window just closed (unchanged when there is neither).</summary>
    public HealEvent Attach(HealEvent heal)
    {
        ArgumentNullException.ThrowIfNull(heal);
        if (_closedFrames == 0 && _cleanBytes == 0)
        {
            return heal;
        }

        byte[]? corrupted = null;
        if (_closedFrames > 0)
        {
            var buffer = new byte[MaxBytes];
            corrupted = buffer[..EncodeClosed(buffer)];
        }

        return heal with
        {
            Output = new HealOutputSnippets
            {
                SampleRate = _sampleRate / _decimation,
                Clean = _cleanBytes == 0 ? null : _clean[.._cleanBytes],
                Corrupted = corrupted,
            },
        };
    }

    private static int MaxBytes => HealOutputSnippets.MaxSamples * sizeof(short);

    /// <summary>Writes the closed window's frames, oldest first (every n-th sample, the last MaxSamples at most) as little-endian int16; returns the bytes written.</summary>
    private int EncodeClosed(Span<byte> destination)
    {
        var total = _closedFrames * _frameLength;
        var count = Math.Min(total / _decimation, HealOutputSnippets.MaxSamples);
        var first = (_closedNext - _closedFrames + Frames) % Frames;
        var skip = total - (count * _decimation);
        for (var i = 0; i < count; i++)
        {
            var at = skip + (i * _decimation);
            var frame = (first + (at / _frameLength)) % Frames;
            var value = _closed[(frame * _frameLength) + (at % _frameLength)];
            var pcm = float.IsNaN(value) ? (short)0 : (short)Math.Clamp(MathF.Round(value * short.MaxValue), short.MinValue, short.MaxValue);
            BinaryPrimitives.WriteInt16LittleEndian(destination.Slice(i * sizeof(short), sizeof(short)), pcm);
        }

        return count * sizeof(short);
    }
}
