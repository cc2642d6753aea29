namespace Fleet.Gateway.Api.Devices;

/// <summary><c>POST /api/v1/devices/{id}/quarantine</c>.</summary>
internal sealed record QuarantineRequestBody(string? Reason);
