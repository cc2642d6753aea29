namespace Fleet.Gateway.Api.Devices;

/// <summary><c>PUT /api/v1/devices/{id}/desired</c>: the version the caller last saw and what to change (absent parts stay).</summary>
internal sealed record DesiredRequest(int? ExpectedVersion, DesiredModelRequest? Model, DesiredThresholdsRequest? Thresholds);

/// <summary>A registered model version; the gateway fills in its URL, hash and signature.</summary>
internal sealed record DesiredModelRequest(string? Id, string? Version, bool AllowRollback = false);

/// <summary>Trigger levels for the device.</summary>
internal sealed record DesiredThresholdsRequest(double? KlMax, double? InputShiftMax);
