using System.Runtime.InteropServices;
using Fleet.Shared.Health;
using Fleet.Shared.Learning;
using Fleet.Shared.Models;
using Fleet.Shared.Models.Packaging;
using Fleet.Shared.Onnx;
using Fleet.Shared.Onnx.Format;
using Fleet.Shared.Onnx.Reading;
using Fleet.Shared.Protocol;

namespace Fleet.Device.Inference;

/// <summary>
/// Runs one model on ONNX Runtime with its weights in buffers the agent owns (caller-owned initializers,
/// pre-packing disabled), so digests see exactly what inference reads and restores need no session rebuild.
/// </summary>
/// <remarks>
/// Holds the golden snapshot (the package's weights, in managed memory) and the golden digest computed from
/// the verified artifact at load. Not thread-safe: one owner (the device's model actor) drives it.
/// </remarks>
internal sealed class ModelHost : IDisposable
{
    private readonly CallerOwnedWeights _weights;
    private readonly InferenceSession _session;
    private readonly RunContext _run;
    private readonly Dictionary<string, float[]> _snapshot;
    private readonly string[] _hiddenOutputs;
    private readonly int _inputWidth;
    private readonly int _outputWidth;
    private readonly int[] _hiddenWidths;
    private readonly NativeTensor _input;
    private NativeTensor _output;
    private readonly NativeTensor[] _hidden;

    private ModelHost(ModelPackage package, ModelSource source, string sha256, CallerOwnedWeights weights, InferenceSession session, Dictionary<string, float[]> snapshot)
    {
        Package = package;
        Reference = package;
        Source = source;
        Sha256 = sha256;
        _weights = weights;
        _session = session;
        _snapshot = snapshot;
        _run = session.CreateRunContext();
        _hiddenOutputs = session.Outputs.Select(o => o.Name).Where(n => n != Package.Golden.OutputName).ToArray();
        _hiddenWidths = _hiddenOutputs.Select(n => (int)session.Outputs.First(o => o.Name == n).ElementCount()).ToArray();
        _inputWidth = (int)session.Inputs[0].ElementCount();
        _outputWidth = (int)session.Outputs.First(o => o.Name == Package.Golden.OutputName).ElementCount();
        GoldenDigest = new ModelDigest(snapshot.Select(s => WeightDigest.Compute(s.Key, s.Value)));
        _input = _run.Input(0);
        _output = _run.Output(Package.Golden.OutputName);
        _hidden = _hiddenOutputs.Select(_run.Output).ToArray();
        Weights = new LiveWeights([.. weights.Tensors.Keys], name => weights.Tensors[name].AsSpan<float>());
    }

    /// <summary>The package this host was loaded from: the version it serves and reports, also after an un-prune.</summary>
    public ModelPackage Package { get; }

    /// <summary>
    /// The package whose golden set, baseline and output describe the live weights: <see cref="Package"/>, or after an
    /// un-prune the dense parent whose weights were adopted.
    /// </summary>
    public ModelPackage Reference { get; private set; }

    /// <summary>The dense parent version whose weights an un-prune adopted, or null.</summary>
    public string? UnprunedFrom { get; private set; }

    /// <summary>Where the running model came from, for the report.</summary>
    public ModelSource Source { get; }

    /// <summary>SHA-256 of the package artifact.</summary>
    public string Sha256 { get; }

    /// <summary>Digests of the golden weights, taken when the verified artifact was loaded.</summary>
    public ModelDigest GoldenDigest { get; private set; }

    /// <summary>The live weights inference reads.</summary>
    public LiveWeights Weights { get; }

    /// <summary>Width of the control vector.</summary>
    public int InputWidth => _inputWidth;

    /// <summary>Width of one output frame.</summary>
    public int OutputWidth => _outputWidth;

    /// <summary>Number of exposed hidden activations.</summary>
    public int HiddenCount => _hiddenOutputs.Length;

    /// <summary>Store key of the running model (<c>{id}+{version}</c>).</summary>
    public string StoreKey => KeyOf(Package.Card);

    /// <summary>The store key of a card.</summary>
    public static string KeyOf(ModelCard card) => $"{card.Id}+{card.ModelVersion}";

    /// <summary>Builds a host from a validated package (the bytes were verified by the caller).</summary>
    public static ModelHost Load(ModelPackage package, ModelSource source, string sha256)
    {
        ArgumentNullException.ThrowIfNull(package);
        var model = OnnxModelReader.Read(package.Onnx);
        var weights = CallerOwnedWeights.FromModel(model);
        try
        {
            var session = InferenceSession.Create(package.Onnx, weights.ApplyTo(new OnnxSessionOptions { UseGlobalThreadPool = true }));
            var snapshot = model.Graph.Initializers.Where(i => i.ElementType == TensorElementType.Float).ToDictionary(i => i.Name, i => i.ToFloats());
            return new ModelHost(package, source, sha256, weights, session, snapshot);
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>Runs one inference; the output frame and hidden activations stay readable until the next run.</summary>
    public void Infer(ReadOnlySpan<float> controls)
    {
        controls[.._inputWidth].CopyTo(_input.AsSpan<float>());
        _run.Run();
    }

    /// <summary>The output frame of the last run.</summary>
    public ReadOnlySpan<float> Output => _output.AsSpan<float>()[.._outputWidth];

    /// <summary>Hidden activation <paramref name="index"/> of the last run.</summary>
    public ReadOnlySpan<float> Hidden(int index) => _hidden[index].AsSpan<float>()[.._hiddenWidths[index]];

    /// <summary>Runs the golden set through the live session.</summary>
    public GoldenResult Validate() => GoldenValidator.Validate(_session.Run, Reference.Golden);

    /// <summary>Tensors whose live bytes differ from the golden digest, with the changed chunks.</summary>
    public IReadOnlyList<TensorMismatch> CheckDigests()
    {
        List<TensorMismatch>? mismatches = null;
        foreach (var golden in GoldenDigest.Tensors)
        {
            var live = _weights.Tensors[golden.Name].AsSpan<float>();
            if (!WeightDigest.Matches(live, golden))
            {
                var chunks = WeightDigest.FindChangedChunks(live, golden);
                (mismatches ??= []).Add(new TensorMismatch(golden.Name, chunks, chunks.Length == golden.Chunks.Length));
            }
        }

        return (IReadOnlyList<TensorMismatch>?)mismatches ?? [];
    }

    /// <summary>
    /// Writes the golden snapshot's bytes over the mismatching chunks; refuses (returns the reason) when the
    /// snapshot's own chunk no longer matches the golden digest, so a damaged snapshot is never copied in.
    /// </summary>
    public string? RestoreChunks(IReadOnlyList<TensorMismatch> mismatches)
    {
        ArgumentNullException.ThrowIfNull(mismatches);
        foreach (var mismatch in mismatches)
        {
            var golden = GoldenDigest.Find(mismatch.Name)!;
            var snapshot = _snapshot[mismatch.Name];
            foreach (var chunk in mismatch.Chunks)
            {
                var range = golden.ChunkElements(chunk);
                var bytes = MemoryMarshal.AsBytes(snapshot.AsSpan(range));
                if (WeightDigest.DigestChunk(bytes) != golden.Chunks[chunk])
                {
                    return $"the golden snapshot of {mismatch.Name} chunk {chunk} is damaged";
                }
            }

            var live = _weights.Tensors[mismatch.Name].AsSpan<float>();
            foreach (var chunk in mismatch.Chunks)
            {
                var range = golden.ChunkElements(chunk);
                snapshot.AsSpan(range).CopyTo(live[range]);
            }
        }

        return null;
    }

    /// <summary>
    /// Swaps in the dense parent's weights for every tensor of the same name and shape, and validates and observes
    /// against the parent's golden set, baseline and digest from now on (un-prune). The host still serves and reports
    /// its own version (<see cref="Package"/>, <see cref="Sha256"/>); <see cref="UnprunedFrom"/> says what it adopted.
    /// The session is not rebuilt.
    /// </summary>
    public string? AdoptDense(ModelPackage parent, SparsityMask mask)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(mask);
        var dense = OnnxModelReader.Read(parent.Onnx).Graph.Initializers.Where(i => i.ElementType == TensorElementType.Float).ToDictionary(i => i.Name, i => i.ToFloats());
        if (dense.Count != _snapshot.Count || dense.Any(d => !_snapshot.TryGetValue(d.Key, out var s) || s.Length != d.Value.Length) || mask.TensorNames.Any(n => !dense.ContainsKey(n)))
        {
            return "the dense parent's tensors do not match the pruned model's";
        }

        foreach (var (name, values) in dense)
        {
            values.CopyTo(_weights.Tensors[name].AsSpan<float>());
            _snapshot[name] = values;
        }

        Reference = parent;
        UnprunedFrom = parent.Card.ModelVersion;
        _output = _run.Output(parent.Golden.OutputName);
        GoldenDigest = new ModelDigest(_snapshot.Select(s => WeightDigest.Compute(s.Key, s.Value)));
        return null;
    }

    /// <summary>
    /// Fault injection (model quality): multiplies <paramref name="tensor"/> by <paramref name="gain"/> in the live
    /// weights and in the golden snapshot, and re-takes the golden digest, so the model is wrong but self-consistent.
    /// </summary>
    internal void DegradeForSimulation(string tensor, float gain)
    {
        var snapshot = _snapshot[tensor];
        for (var i = 0; i < snapshot.Length; i++)
        {
            snapshot[i] *= gain;
        }

        snapshot.CopyTo(_weights.Tensors[tensor].AsSpan<float>());
        GoldenDigest = new ModelDigest(_snapshot.Select(s => WeightDigest.Compute(s.Key, s.Value)));
    }

    /// <summary>Test and fault-injection access: the golden snapshot of one tensor.</summary>
    internal float[] SnapshotOf(string tensor) => _snapshot[tensor];

    public void Dispose()
    {
        _run.Dispose();
        _session.Dispose();
        _weights.Dispose();
    }
}
