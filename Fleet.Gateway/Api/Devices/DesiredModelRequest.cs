namespace Fleet.Gateway.Api.Devices;

/// <summary>A registered model version; the gateway fills in its URL, hash and signature.</summary>
internal sealed record DesiredModelRequest(string? Id, string? Version, bool AllowRollback = false);
