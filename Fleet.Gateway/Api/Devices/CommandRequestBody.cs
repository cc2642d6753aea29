using System.Text.Json;

namespace Fleet.Gateway.Api.Devices;

/// <summary><c>POST /api/v1/devices/{id}/commands</c>: a device command and how long to wait for its answer.</summary>
internal sealed record CommandRequestBody(string? Name, JsonElement? Args, double? TimeoutSeconds);
