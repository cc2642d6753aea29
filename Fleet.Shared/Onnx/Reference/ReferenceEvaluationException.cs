namespace Fleet.Shared.Onnx.Reference;

/// <summary>The reference evaluator cannot evaluate the graph: an operator it does not implement, or values that do not fit it.</summary>
public sealed class ReferenceEvaluationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ReferenceEvaluationException(string message)
        : base(message)
    {
    }
}
