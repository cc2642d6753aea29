using System.Security.Cryptography;
using System.Text.Json;
using Fleet.Shared.Learning;

namespace Fleet.Shared.Models;

/// <summary>
/// Generates Fleet's reference models from nothing but code and fixed seeds: the tiny neural vocoder
/// (3 → 64 → 64 → 160, tanh) trained on <see cref="HarmonicSynth"/>, a safety variant (3 → 32 → 160) distilled from
/// it, and a pruned variant (50 % magnitude pruning per weight matrix, fine-tuned under its mask).
/// </summary>
/// <remarks>
/// Deterministic: the same generator version yields byte-identical files. <see cref="Build"/> caches the set per
/// process; <see cref="WriteTo"/> skips the work when the directory already holds this generator's output.
/// </remarks>
public static class ReferenceModels
{
    /// <summary>Bumped whenever generation changes; part of the manifest.</summary>
    public const string Generator = "fleet-reference-models/1";

    /// <summary>Golden tolerance: ORT and the C# forward pass agree to ~1e-6; 1e-4 leaves room for other CPUs.</summary>
    public const float GoldenTolerance = 1e-4f;

    /// <summary>Bins of each baseline histogram over [-1, 1].</summary>
    public const int HistogramBins = 64;

    private static readonly Lazy<ReferenceModelSet> Cached = new(() => Generate(CancellationToken.None), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The reference set, generated once per process.</summary>
    public static ReferenceModelSet Build() => Cached.Value;

    /// <summary>Generates the set (a few seconds of training).</summary>
    public static ReferenceModelSet Generate(CancellationToken cancellationToken)
    {
        var training = SynthSet(count: 3000, seed: 42);
        var test = SynthSet(count: 400, seed: 43);

        var vocoder = Mlp.Create([3, 64, 64, HarmonicSynth.FrameLength], Activation.Tanh, Activation.Identity, seed: 1);
        MlpTrainer.Train(vocoder, training, new TrainingOptions { Epochs = 60, Seed = 1 }, cancellationToken: cancellationToken);

        var safety = Mlp.Create([3, 32, 32, HarmonicSynth.FrameLength], Activation.Tanh, Activation.Identity, seed: 2);
        MlpTrainer.Train(safety, training.WithTeacher(vocoder), new TrainingOptions { Epochs = 60, Seed = 2, Alpha = 0.5f }, cancellationToken: cancellationToken);

        var pruned = vocoder.Clone();
        var mask = SparsityMask.MagnitudePrune(pruned, 0.5);
        MlpTrainer.Train(pruned, training.WithTeacher(vocoder), new TrainingOptions { Epochs = 10, Seed = 3, Alpha = 0.5f, LearningRate = 1e-3f }, mask, cancellationToken);

        return new ReferenceModelSet(
            Package("vocoder", vocoder, test),
            Package("vocoder-safety", safety, test),
            Package("vocoder-pruned", pruned, test),
            mask,
            test);
    }

    /// <summary>
    /// Writes every model (<c>NAME.onnx</c>), golden set (<c>NAME.golden.json</c>), baseline histogram
    /// (<c>NAME.baseline.json</c>), the pruned model's mask, three WAV files (synthesiser, vocoder, vocoder with one
    /// flipped weight bit) and <c>manifest.json</c>. Does nothing when the manifest shows this generator already did it.
    /// </summary>
    public static ReferenceManifest WriteTo(string directory, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(directory);
        var manifestPath = Path.Combine(directory, "manifest.json");
        if (TryReadManifest(manifestPath, directory) is { } existing)
        {
            return existing;
        }

        var set = Build();
        var files = new Dictionary<string, byte[]>();
        foreach (var model in set.All)
        {
            files[$"{model.Name}.onnx"] = model.Onnx;
            files[$"{model.Name}.golden.json"] = System.Text.Encoding.UTF8.GetBytes(model.Golden.ToJson());
            files[$"{model.Name}.baseline.json"] = System.Text.Encoding.UTF8.GetBytes(model.Baseline.ToJson());
        }

        files["vocoder-pruned.mask.json"] = System.Text.Encoding.UTF8.GetBytes(set.PrunedMask.ToJson());
        var melody = Melody();
        files["synth.wav"] = Wav(melody.SelectMany(c => HarmonicSynth.Render(c)).ToArray());
        files["vocoder.wav"] = Wav(melody.SelectMany(c => set.Vocoder.Network.Forward(c)).ToArray());
        var corrupted = set.Vocoder.Network.Clone();
        FlipBit(corrupted.Weights[1], index: 100, bit: 30);
        files["vocoder-bitflip.wav"] = Wav(melody.SelectMany(c => corrupted.Forward(c)).ToArray());

        foreach (var (name, bytes) in files)
        {
            AtomicWrite(Path.Combine(directory, name), bytes);
        }

        var manifest = new ReferenceManifest(1, Generator,
            files.ToDictionary(f => f.Key, f => Convert.ToHexStringLower(SHA256.HashData(f.Value))),
            set.All.ToDictionary(m => m.Name, m => m.RelativeError));
        AtomicWrite(manifestPath, System.Text.Encoding.UTF8.GetBytes(JsonSerializer.Serialize(manifest, ModelsJsonContext.Default.ReferenceManifest)));
        return manifest;
    }

    /// <summary>Relative RMS error of <paramref name="network"/> against the targets: sqrt(Σ(y−t)² / Σt²).</summary>
    public static float RelativeError(Mlp network, TrainingSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var energy = data.Targets.Select(t => (double)t * t).Sum() / data.Targets.Length;
        return (float)Math.Sqrt(MlpTrainer.MeanSquaredError(network, data) / energy);
    }

    /// <summary>Uniformly random controls and the synthesiser's frames for them.</summary>
    public static TrainingSet SynthSet(int count, int seed)
    {
        var random = new Random(seed);
        var inputs = new float[count * HarmonicSynth.ControlCount];
        var targets = new float[count * HarmonicSynth.FrameLength];
        for (var i = 0; i < count; i++)
        {
            var controls = inputs.AsSpan(i * HarmonicSynth.ControlCount, HarmonicSynth.ControlCount);
            for (var c = 0; c < controls.Length; c++)
            {
                controls[c] = (float)random.NextDouble();
            }

            HarmonicSynth.Render(controls, targets.AsSpan(i * HarmonicSynth.FrameLength, HarmonicSynth.FrameLength));
        }

        return new TrainingSet(count, HarmonicSynth.ControlCount, HarmonicSynth.FrameLength, inputs, targets);
    }

    /// <summary>Flips bit <paramref name="bit"/> of float <paramref name="index"/> (bit 30 = top exponent bit).</summary>
    public static void FlipBit(Span<float> values, int index, int bit)
    {
        var bits = BitConverter.SingleToInt32Bits(values[index]) ^ (1 << bit);
        values[index] = BitConverter.Int32BitsToSingle(bits);
    }

    private static ReferenceModel Package(string name, Mlp network, TrainingSet test)
    {
        var onnx = network.ToOnnx(name.Replace('-', '_'), exposeHidden: true);
        var cases = Enumerable.Range(0, 16).Select(i =>
        {
            var input = test.Input(i).ToArray();
            return new GoldenCase(input, network.Forward(input));
        }).ToArray();
        var golden = new GoldenSet(1, name, Mlp.InputName, Mlp.OutputName, GoldenTolerance, cases);
        var values = Enumerable.Range(0, test.Count).SelectMany(i => network.Forward(test.Input(i)));
        var baseline = BaselineHistogram.Build(name, Mlp.OutputName, -1f, 1f, HistogramBins, values);
        return new ReferenceModel(name, network, onnx, golden, baseline, RelativeError(network, test));
    }

    /// <summary>Two seconds of controls: a rising and falling pitch, a swelling energy, a slowly brightening timbre.</summary>
    private static float[][] Melody() => Enumerable.Range(0, 200).Select(i =>
    {
        var t = i / 200f;
        return new[] { 0.5f + (0.45f * MathF.Sin(2 * MathF.PI * t)), 0.3f + (0.6f * MathF.Sin(MathF.PI * t)), t };
    }).ToArray();

    private static byte[] Wav(float[] samples)
    {
        using var stream = new MemoryStream();
        WavWriter.Write(stream, samples);
        return stream.ToArray();
    }

    private static ReferenceManifest? TryReadManifest(string path, string directory)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize(File.ReadAllText(path), ModelsJsonContext.Default.ReferenceManifest);
            var complete = manifest is not null && manifest.Generator == Generator
                && manifest.FileSha256.All(f => File.Exists(Path.Combine(directory, f.Key))
                    && Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(directory, f.Key)))) == f.Value);
            return complete ? manifest : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void AtomicWrite(string path, byte[] bytes)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
