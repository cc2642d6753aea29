namespace Fleet.Shared.Onnx;

/// <summary>How an <see cref="InferenceSession"/> is built.</summary>
/// <remarks>
/// Defaults suit a small edge model: one intra-op and one inter-op thread (no thread pool to wake per run),
/// all graph optimisations. When <see cref="Initializers"/> is non-empty, ORT's weight pre-packing is disabled
/// (<c>session.disable_prepacking = 1</c>) so inference reads the caller's memory and nothing else.
/// </remarks>
public sealed record OnnxSessionOptions
{
    /// <summary>Threads used inside one operator; 0 lets ORT choose (one per core).</summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>Threads used to run independent operators in parallel; 0 lets ORT choose.</summary>
    public int InterOpThreads { get; init; } = 1;

    /// <summary>
    /// Run on the environment's global thread pool (<see cref="OnnxRuntime"/>) instead of a pool of this session's
    /// own; <see cref="IntraOpThreads"/> and <see cref="InterOpThreads"/> are then ignored. For many sessions in one
    /// process (<c>--simulate N</c>), so N sessions do not mean N pools.
    /// </summary>
    public bool UseGlobalThreadPool { get; init; }

    /// <summary>Graph rewrites applied when the session is created.</summary>
    public GraphOptimizationLevel OptimizationLevel { get; init; } = GraphOptimizationLevel.All;

    /// <summary>
    /// Caller-owned initializers by name. Each replaces the model's initializer of that name; inference reads
    /// the tensor's memory directly, so changes to it take effect on the next run without a rebuild.
    /// </summary>
    public IReadOnlyDictionary<string, NativeTensor> Initializers { get; init; } = new Dictionary<string, NativeTensor>();

    /// <summary>Extra ORT session configuration entries (<c>AddSessionConfigEntry</c>).</summary>
    public IReadOnlyDictionary<string, string> ConfigEntries { get; init; } = new Dictionary<string, string>();
}
