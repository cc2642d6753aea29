namespace Fleet.Gateway.Store.Twins;

/// <summary>The newest report accepted from the device, ordered by (<see cref="Epoch"/>, <see cref="Seq"/>) as docs/PROTOCOL.md requires.</summary>
internal sealed record ReportedState(
    string Json,
    long Epoch,
    long Seq,
    string? Health,
    string? ModelId,
    string? ModelVersion,
    DateTimeOffset Received);
