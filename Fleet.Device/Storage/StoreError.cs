namespace Fleet.Device.Storage;

/// <summary>A failed weight-store operation: what kind, and a sentence for logs and reports.</summary>
internal sealed record StoreError(StoreErrorKind Kind, string Message)
{
    public override string ToString() => $"{Kind}: {Message}";
}
