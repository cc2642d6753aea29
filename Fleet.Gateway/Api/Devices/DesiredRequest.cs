namespace Fleet.Gateway.Api.Devices;

/// <summary><c>PUT /api/v1/devices/{id}/desired</c>: the version the caller last saw and what to change (absent parts stay).</summary>
internal sealed record DesiredRequest(int? ExpectedVersion, DesiredModelRequest? Model, DesiredThresholdsRequest? Thresholds);
