namespace Fleet.Shared.Health;

/// <summary>The golden digests of every weight tensor of a model, and the comparison with live weights.</summary>
/// <remarks>Immutable; tensors are kept in the order given.</remarks>
public sealed class ModelDigest
{
    private readonly Dictionary<string, TensorDigest> _byName;

    /// <summary>Creates a digest set from per-tensor digests with distinct names.</summary>
    public ModelDigest(IEnumerable<TensorDigest> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        Tensors = [.. tensors];
        _byName = new Dictionary<string, TensorDigest>(StringComparer.Ordinal);
        foreach (var t in Tensors)
        {
            if (!_byName.TryAdd(t.Name, t))
            {
                throw new ArgumentException($"Tensor '{t.Name}' appears twice.", nameof(tensors));
            }
        }
    }

    /// <summary>The tensors' digests in the order given.</summary>
    public IReadOnlyList<TensorDigest> Tensors { get; }

    /// <summary>Digests every tensor of <paramref name="weights"/>.</summary>
    public static ModelDigest Compute(IEnumerable<KeyValuePair<string, ReadOnlyMemory<float>>> weights, int chunkBytes = WeightDigest.DefaultChunkBytes)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return new ModelDigest(weights.Select(w => WeightDigest.Compute(w.Key, w.Value.Span, chunkBytes)));
    }

    /// <summary>The digest of tensor <paramref name="name"/>, or null.</summary>
    public TensorDigest? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Every tensor whose live weights differ from the golden digest, with the chunks that differ.</summary>
    /// <remarks>A golden tensor missing from <paramref name="live"/>, or of another size, is reported with <see cref="TensorMismatch.WholeTensor"/>.</remarks>
    public IReadOnlyList<TensorMismatch> FindMismatches(IReadOnlyDictionary<string, ReadOnlyMemory<float>> live)
    {
        ArgumentNullException.ThrowIfNull(live);
        List<TensorMismatch>? result = null;
        foreach (var golden in Tensors)
        {
            TensorMismatch? mismatch;
            if (!live.TryGetValue(golden.Name, out var buffer) || buffer.Length * sizeof(float) != golden.ByteLength)
            {
                mismatch = new TensorMismatch(golden.Name, [], WholeTensor: true);
            }
            else
            {
                var chunks = WeightDigest.FindChangedChunks(buffer.Span, golden);
                mismatch = chunks.Length == 0 ? null : new TensorMismatch(golden.Name, chunks, WholeTensor: false);
            }

            if (mismatch is not null)
            {
                (result ??= []).Add(mismatch);
            }
        }

        return result ?? (IReadOnlyList<TensorMismatch>)[];
    }
}
