namespace Fleet.Gateway.Store.Twins;

/// <summary>A report to store; the caller extracts health and model so listings can filter without parsing JSON.</summary>
internal sealed record ReportedUpdate(
    string Json,
    long Epoch,
    long Seq,
    string? Health = null,
    string? ModelId = null,
    string? ModelVersion = null);
