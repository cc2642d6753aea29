namespace Fleet.Shared.Onnx;

/// <summary>ORT's <c>GraphOptimizationLevel</c>.</summary>
public enum GraphOptimizationLevel
{
    /// <summary>No graph rewrites.</summary>
    Disabled = 0,
    /// <summary>Semantics-preserving rewrites such as constant folding and redundant-node removal.</summary>
    Basic = 1,
    /// <summary>Basic plus node fusions.</summary>
    Extended = 2,
    /// <summary>Everything, including layout optimisations.</summary>
    All = 99,
}
