namespace Fleet.Shared.Protocol;

/// <summary>A rejected payload or topic: the kind of problem and a sentence saying what was wrong, fit for a log.</summary>
public sealed record WireError(WireErrorKind Kind, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind}: {Message}";
}
