namespace Fleet.Shared.Health;

/// <summary>A tensor whose live weights differ from its golden digest.</summary>
/// <param name="Name">The tensor.</param>
/// <param name="Chunks">Indices of the differing chunks (see <see cref="TensorDigest.ChunkElements"/>).</param>
/// <param name="WholeTensor">True when the tensor is missing or changed size, so it must be restored whole.</param>
public sealed record TensorMismatch(string Name, IReadOnlyList<int> Chunks, bool WholeTensor);
