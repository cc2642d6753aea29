namespace Fleet.Gateway.Store.Twins;

/// <summary>Outcome of a desired-state write; <see cref="Version"/> is the stored version afterwards (0 when none).</summary>
internal sealed record DesiredWriteResult(DesiredWriteStatus Status, int Version)
{
    public bool Succeeded => Status == DesiredWriteStatus.Written;
}
