namespace Fleet.Gateway.Distillation;

/// <summary>A distillation that cannot proceed for a reason an operator can act on (shapes disagree, validation fails).</summary>
internal sealed class DistillationException : Exception
{
    public DistillationException()
    {
    }

    public DistillationException(string message)
        : base(message)
    {
    }

    public DistillationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
